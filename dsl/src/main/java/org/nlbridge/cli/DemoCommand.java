package org.nlbridge.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import org.nlbridge.driver.run.NetnsLauncher;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineOptions;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.net.PortMapping;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.AddressSpec;
import org.nlbridge.rtnl.RouteSpec;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.rtnl.VethSpec;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkMode;
import org.nlbridge.spec.Plan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code nlbridge demo}: the whole product in one run, in namespaces of its own. A "host" namespace, an
 * "upstream" one wired to it by a veth (the outside world, in TEST-NET-2), and the script's containers; applies
 * the script, shows the state, proves the network works with real packets (ping between containers, a TCP request
 * from upstream through a published port, the upstream server seeing the host's address, resolv.conf inside a
 * container), prints timings, and removes everything, also when something fails. Nothing outside its own
 * namespaces and a temporary state directory is touched, so it is safe on any machine as root.
 */
@Command(name = "demo", description = "Apply scripts/docker0.groovy in sandbox namespaces, prove it works, clean up.")
public final class DemoCommand implements Callable<Integer> {

    private static final String HOST_UPLINK = "198.51.100.1";
    private static final String UPSTREAM = "198.51.100.2";
    private static final int PREFIX = 24;
    private static final int UPSTREAM_PORT = 9000;
    private static final int TIMEOUT_MS = 3000;

    @ParentCommand
    Main main;

    @Option(names = "--script", paramLabel = "FILE", description = "The script to apply (default: scripts/docker0.groovy).")
    Path script;

    @Mixin
    ScriptOptions scriptOptions = new ScriptOptions();

    private PrintWriter out;
    private final List<String> failures = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        out = main.cli().out();
        Path file = script != null ? script : Path.of(System.getProperty("nlbridge.home", "."), "scripts", "docker0.groovy");
        String tag = "nlbd-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt(), 4);
        String hostName = tag + "-host";
        String upName = tag + "-up";
        Path state = Files.createTempDirectory("nlbridge-demo-");
        List<String> created = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            DesiredState desired = sandboxed(main.cli().scripts().withBudget(scriptOptions.budget(main.cli().env()))
                    .load(file), tag);
            say("demo: script " + file + " (" + desired.networks().size() + " network(s), "
                    + desired.containers().size() + " container(s)), namespaces " + tag + "-*");
            created.add(hostName);
            created.add(upName);
            try (NetNs host = NetNs.create(hostName); NetNs up = NetNs.create(upName)) {
                wireUpstream(host, up);
            }
            for (ContainerSpec c : desired.containers()) if (!(c.network() instanceof NetworkMode.Host)) created.add(c.netns());
            say("  namespaces and uplink ready           " + ms(t0));

            try (Engine engine = main.cli().engines().open(new EngineOptions(hostName, state))) {
                long t = System.nanoTime();
                Plan plan = engine.plan(desired);
                say("\nplan (" + plan.changes().size() + " changes, " + ms(t) + "):");
                out.print(plan.toString().indent(2));
                t = System.nanoTime();
                engine.apply(desired, Engine.ProgressListener.NONE);
                say("applied in " + ms(t));
                EngineStatus status = engine.status();
                say("\nstatus:");
                out.print(Output.status(status, Output.Format.text).indent(2));
                say("\nchecks:");
                prove(engine, status, desired, upName);
                t = System.nanoTime();
                engine.destroy(desired, Engine.ProgressListener.NONE);
                say("\ndestroyed in " + ms(t));
            }
        } catch (RuntimeException e) {
            failures.add(e.getMessage());
            throw e;
        } finally {
            for (String ns : created) {
                try {
                    NetNs.delete(ns);
                } catch (RuntimeException e) {
                    failures.add("cannot delete namespace " + ns + ": " + e.getMessage());
                }
            }
            deleteTree(state);
            say("removed namespaces " + tag + "-* and the state directory; total " + ms(t0));
        }
        say(failures.isEmpty() ? "demo: all checks passed" : "demo: " + failures.size() + " check(s) failed");
        return failures.isEmpty() ? 0 : 1;
    }

    /** The script's containers get namespaces named after the demo, so the demo never meets a real container. */
    private static DesiredState sandboxed(DesiredState d, String tag) {
        return d.mapContainers(c -> c.withNetns(tag + "-" + c.name()));
    }

    /** host:uplink0 198.51.100.1/24 <-> upstream:eth0 198.51.100.2/24; the host's default route goes upstream. */
    private static void wireUpstream(NetNs host, NetNs up) {
        try (Rtnl h = Rtnl.open(host); Rtnl u = Rtnl.open(up)) {
            h.links().add(VethSpec.builder("uplink0", "eth0").peerNetns(up).up().build());
            int uplink = h.links().get("uplink0").index();
            h.addresses().add(AddressSpec.of(uplink, HOST_UPLINK + "/" + PREFIX).withBroadcast());
            h.links().setUp("lo");
            h.routes().add(RouteSpec.defaultVia(UPSTREAM).dev(uplink));
            int eth0 = u.links().get("eth0").index();
            u.addresses().add(AddressSpec.of(eth0, UPSTREAM + "/" + PREFIX).withBroadcast());
            u.links().setUp(eth0);
            u.links().setUp("lo");
        }
    }

    private void prove(Engine engine, EngineStatus status, DesiredState desired, String upName) {
        List<EngineStatus.ContainerStatus> bridged = status.containers().stream().filter(c -> c.ipv4() != null).toList();
        if (bridged.size() >= 2) {
            EngineStatus.ContainerStatus a = bridged.get(0);
            EngineStatus.ContainerStatus b = bridged.get(1);
            check("ping " + a.name() + " -> " + b.name() + " (" + b.ipv4() + ")", () -> {
                boolean ok = inNetns(a.netns(), () -> InetAddress.ofLiteral(b.ipv4()).isReachable(TIMEOUT_MS));
                return ok ? "reply" : fail("no reply");
            });
        }
        for (ContainerSpec c : desired.containers()) {
            EngineStatus.ContainerStatus cs = status.containers().stream().filter(x -> x.name().equals(c.name()))
                    .findFirst().orElse(null);
            if (cs == null || cs.ipv4() == null) continue;
            for (var p : c.publish()) {
                for (PortMapping m : p.mappings()) {
                    if (m.protocol() != IpProtocol.TCP || m.hostIp() != null) continue;
                    check("upstream -> " + HOST_UPLINK + ":" + m.hostPort() + " -> " + c.name() + ":" + m.containerPort(),
                            () -> published(c.netns(), upName, m));
                }
            }
            check("masquerade: " + c.name() + " -> upstream " + UPSTREAM + ":" + UPSTREAM_PORT, () -> masquerade(c.netns(), upName));
            check("resolv.conf inside " + c.name(), () -> resolvConf(engine, c.name()));
            break; // one container is enough for the outbound checks
        }
    }

    /** A listener in the container answers one connection made from upstream to the host's published port. */
    private String published(String ctrNs, String upName, PortMapping m) throws Exception {
        try (ServerSocket server = inNetns(ctrNs, () -> listen(m.containerPort()))) {
            Thread t = serveOnce(server, "hello from the container");
            String reply = inNetns(upName, () -> request(HOST_UPLINK, m.hostPort()));
            t.join(TIMEOUT_MS);
            return reply.startsWith("hello from the container") ? "\"" + reply + "\"" : fail("unexpected reply " + reply);
        }
    }

    /** A listener upstream reports the source address it sees: the host's upstream address, not the container's. */
    private String masquerade(String ctrNs, String upName) throws Exception {
        try (ServerSocket server = inNetns(upName, () -> listen(UPSTREAM_PORT))) {
            Thread t = serveOnce(server, null);
            String seen = inNetns(ctrNs, () -> request(UPSTREAM, UPSTREAM_PORT));
            t.join(TIMEOUT_MS);
            return seen.equals(HOST_UPLINK) ? "upstream saw " + seen : fail("upstream saw " + seen + ", not " + HOST_UPLINK);
        }
    }

    private String resolvConf(Engine engine, String container) throws Exception {
        Engine.ContainerRuntime rt = engine.runtime(container);
        Process p = NetnsLauncher.inNamespace(rt.netns()).mounts(rt.mounts()).command("cat", "/etc/resolv.conf")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) return fail("cat exited " + p.exitValue());
        String ns = text.lines().filter(l -> l.startsWith("nameserver")).findFirst().orElse(null);
        return ns != null ? ns : fail("no nameserver line in:\n" + text);
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(port));
        s.setSoTimeout(TIMEOUT_MS);
        return s;
    }

    /** Accepts one connection and writes {@code greeting} (or, if null, the peer's address) back. */
    private static Thread serveOnce(ServerSocket server, String greeting) {
        return Thread.ofPlatform().name("nlbridge-demo-server").start(() -> {
            try (Socket s = server.accept()) {
                String text = greeting != null ? greeting + " at " + s.getLocalAddress().getHostAddress()
                        : s.getInetAddress().getHostAddress();
                s.getOutputStream().write((text + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the client side reports the failure
            }
        });
    }

    private static String request(String address, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.ofLiteral(address), port), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    /** Runs {@code task} on a thread inside the named namespace: sockets it opens stay there for life. */
    private static <T> T inNetns(String name, Callable<T> task) {
        try (NetNs ns = NetNs.open(name)) {
            return ns.call(task);
        }
    }

    private interface Check {
        String run() throws Exception;
    }

    private void check(String what, Check c) {
        long t = System.nanoTime();
        String result;
        boolean ok;
        try {
            result = c.run();
            ok = true;
        } catch (CheckFailed e) {
            result = e.getMessage();
            ok = false;
        } catch (Exception e) {
            result = e.getClass().getSimpleName() + ": " + e.getMessage();
            ok = false;
        }
        if (!ok) failures.add(what + ": " + result);
        say(String.format("  %-4s %-50s %s (%s)", ok ? "ok" : "FAIL", what, result, ms(t)));
    }

    private static final class CheckFailed extends RuntimeException {
        CheckFailed(String message) {
            super(message);
        }
    }

    private static String fail(String message) {
        throw new CheckFailed(message);
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    private static String ms(long startNanos) {
        return String.format("%.0f ms", (System.nanoTime() - startNanos) / 1e6);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
