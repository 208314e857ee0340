package org.nlbridge.resolver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.nlbridge.driver.dns.Mount;
import org.nlbridge.driver.run.NetnsLauncher;
import org.nlbridge.net.IpAddress;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Sandbox;

/**
 * The namespaces of a name-resolution test, built with plain {@code ip}: a "host", an "upstream" reached from the
 * host over a veth (10.99.0.1 ↔ 10.99.0.2) where dnsmasq serves {@code *.example.test}, and container namespaces
 * with only their loopback up (the server listens there; nothing else is needed). Clients are the real ones:
 * busybox {@code nslookup}, and glibc through {@code getent} with a resolv.conf bound over /etc by
 * {@link NetnsLauncher}.
 */
final class DnsWorld {

    static final String UPSTREAM_IP = "10.99.0.2";
    static final String HOST_IP = "10.99.0.1";

    final Sandbox sb;
    final String host;
    final String upstream;
    private final Path tmp;
    private final List<Process> dnsmasqs = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    DnsWorld(Sandbox sb, Path tmp, List<String> containers) {
        this.sb = sb;
        this.tmp = tmp;
        List<String> names = new ArrayList<>(List.of("host", "up"));
        names.addAll(containers);
        List<String> full = sb.netns(names);
        host = full.get(0);
        upstream = full.get(1);
        Cmd.run(null, "ip", "link", "add", "h-up", "netns", host, "type", "veth", "peer", "name", "u-host", "netns",
                upstream);
        for (String ns : full) {
            // a container gets an eth0 with addresses (a veth whose peer stays inside): glibc's getaddrinfo asks for
            // a family only if a non-loopback interface has an address of it (AI_ADDRCONFIG)
            String extra = ns.equals(host) ? "addr add " + HOST_IP + "/24 dev h-up\nlink set h-up up\n"
                    : ns.equals(upstream) ? "addr add " + UPSTREAM_IP + "/24 dev u-host\nlink set u-host up\n"
                    : "link add eth0 type veth peer name eth0-peer\naddr add 172.30.0.2/24 dev eth0\n"
                    + "addr add fd00:30::2/64 dev eth0 nodad\nlink set eth0-peer up\nlink set eth0 up\n";
            Cmd.run("link set lo up\n" + extra, "ip", "-n", ns, "-batch", "-");
        }
    }

    /**
     * Starts dnsmasq in namespace {@code ns} (a sandbox name) on {@code address}: {@code www.example.test} is
     * 192.0.2.7 and {@code extra} more host records; other names under {@code test} are NXDOMAIN, the rest REFUSED.
     * Returns the index of its query log for {@link #log}.
     */
    int dnsmasq(String ns, String address, String... extra) throws Exception {
        Path log = Files.createTempFile(tmp, "dnsmasq", ".log");
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "exec \"$@\" 2>\"$0\"", log.toString(),
                "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--pid-file=",
                "--listen-address=" + address, "--bind-interfaces", "--host-record=www.example.test,192.0.2.7",
                "--local=/test/", "--log-queries", "--log-facility=-", "--user=root", "--cache-size=0"));
        for (String e : extra) argv.add("--host-record=" + e);
        dnsmasqs.add(sb.spawn(ns, argv.toArray(String[]::new)));
        logs.add(log);
        String probe = address.startsWith("127.") ? sb.name(ns) : host; // a host-loopback server is asked from inside
        for (int i = 0; i < 100; i++) {
            if (Cmd.exec(null, "ip", "netns", "exec", probe, "busybox", "nslookup", "-type=a", "www.example.test",
                    address).out().contains("192.0.2.7")) {
                return logs.size() - 1;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("dnsmasq did not start in " + ns + ": " + Files.readString(log));
    }

    /** What dnsmasq number {@code i} logged so far. */
    String log(int i) throws IOException {
        return Files.readString(logs.get(i));
    }

    Upstream upstream() {
        return Upstream.of(IpAddress.parse("dns", UPSTREAM_IP));
    }

    /** {@code busybox nslookup [-type=T] name 127.0.0.11} inside {@code ns} (a full namespace name): its output. */
    static Cmd.Result nslookup(String ns, String type, String name) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns, "busybox", "nslookup"));
        if (type != null) argv.add("-type=" + type);
        argv.add(name);
        argv.add("127.0.0.11");
        return Cmd.exec(null, argv.toArray(String[]::new));
    }

    /** The addresses busybox printed after the server's own lines. */
    static List<String> addresses(Cmd.Result r) {
        return r.out().lines().filter(l -> l.startsWith("Address:") && !l.contains("127.0.0.11"))
                .map(l -> l.substring("Address:".length()).strip()).toList();
    }

    /**
     * Runs {@code getent ARGS} inside {@code ns} with {@code resolv} as /etc/resolv.conf and a localhost-only
     * /etc/hosts, in a private mount namespace, as {@code nlbridge run} would. Returns its exit and output.
     */
    Cmd.Result getent(String ns, String resolv, String... args) throws Exception {
        Path conf = Files.writeString(Files.createTempFile(tmp, "resolv", ".conf"), resolv);
        Path hosts = Files.writeString(Files.createTempFile(tmp, "hosts", ""), "127.0.0.1\tlocalhost\n");
        List<String> argv = new ArrayList<>(List.of("getent"));
        argv.addAll(List.of(args));
        Process p = NetnsLauncher.inNamespace(ns)
                .mounts(List.of(new Mount("/etc/resolv.conf", "bind", conf.toString(), List.of("rbind", "rprivate")),
                        new Mount("/etc/hosts", "bind", hosts.toString(), List.of("rbind", "rprivate"))))
                .command(argv).start();
        p.getOutputStream().close();
        String out = read(p.getInputStream());
        String err = read(p.getErrorStream());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("getent did not end");
        }
        return new Cmd.Result(p.exitValue(), out, err);
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** {@code ss -Hlnu} / {@code -Hlnt} inside a namespace: the UDP and TCP sockets listening there. */
    static String listening(String ns) {
        return Cmd.run(null, "ip", "netns", "exec", ns, "ss", "-Hlnut");
    }
}
