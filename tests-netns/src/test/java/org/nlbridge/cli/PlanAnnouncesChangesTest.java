package org.nlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.dsl.ScriptLoader;
import org.nlbridge.dsl.ScriptTrust;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkMode;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.KernelState;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * {@code plan} announces exactly what {@code apply} changes, for every script in {@code scripts/}: every change of
 * the kernel that the oracles see after the apply ({@code ip -j} links, addresses and routes in the host and the
 * containers' namespaces, {@code nft -j list ruleset}, the sysctls in {@code /proc/sys}) is explained by a line of
 * the plan, and every line of the plan is seen done (in the kernel, or in the store and files for the lines that
 * are the engine's own records). The same for {@code destroy} and its plan.
 */
@ExtendWith(SandboxExtension.class)
class PlanAnnouncesChangesTest {

    @TempDir
    Path tmp;

    private World world;

    @BeforeEach
    void tools() {
        Assumptions.assumeTrue(Host.has("nft"), "needs the nft binary as the oracle");
    }

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    static List<String> scripts() throws IOException {
        return ScriptsTest.scripts();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void everyKernelChangeWasAnnouncedAndEveryAnnouncementHappened(String name, Sandbox sb) throws IOException {
        world = new World(sb, tmp.resolve("state"));
        applyAndDestroy(sb, ScriptsTest.prepare(name, world));
    }

    /** IPv6 (no script has it): the bridge's accept_ra, the container's, its IPv6 address and route, forwarding. */
    @Test
    void dualStack(Sandbox sb) {
        world = new World(sb, tmp.resolve("state"));
        applyAndDestroy(sb, ScriptLoader.withTrust(ScriptTrust.none()).evaluate("""
                network('v6') {
                    bridge 'nlb6'
                    bip '172.29.0.1/24'
                    fixedCidrV6 'fd00:29::/64'
                    mtu 1400
                    macFromIp true
                }
                container('web') { network 'v6'; ip '172.29.0.9'; publish '8080:80' }
                container('side') { network 'container:web' }
                userRules { allowOnlyFrom '8.8.8.8', 'fd00:99::/64', on: 'eup' }
                """, "dual.groovy"));
    }

    private void applyAndDestroy(Sandbox sb, DesiredState loaded) {
        DesiredState desired = loaded.mapContainers(c -> c.withNetns(world.ctr(c.netns())));
        Engine engine = world.engine();
        // a namespace the apply creates starts as a new namespace is: lo down, the kernel's default sysctls
        Map<String, String> fresh = KernelState.of(sb.netns("fresh"));
        Map<String, String> before = snapshot(desired, fresh);
        List<Change> plan = engine.plan(desired).changes();
        engine.apply(desired, null);
        Map<String, String> after = snapshot(desired, null);
        EngineStatus status = engine.status();
        check("apply", plan, before, after, status, desired);
        assertEquals(List.of(), engine.plan(desired).changes(), "a second plan is empty");

        List<Change> destroyPlan = engine.planDestroy(desired).changes();
        engine.destroy(desired, null);
        check("destroy", destroyPlan, after, snapshot(desired, null), status, desired);
    }

    /**
     * Host and container namespaces, their keys prefixed {@code NS:} (the host's with nothing); a container
     * namespace that does not exist yet reads as {@code fresh} if given.
     */
    private Map<String, String> snapshot(DesiredState d, Map<String, String> fresh) {
        Map<String, String> out = new TreeMap<>(KernelState.of(world.host));
        for (ContainerSpec c : d.containers()) {
            if (c.network() instanceof NetworkMode.Host || c.network() instanceof NetworkMode.Container) continue;
            Map<String, String> ns = KernelState.of(c.netns());
            (ns.isEmpty() && fresh != null ? fresh : ns).forEach((k, v) -> out.put(c.netns() + ":" + k, v));
        }
        return out;
    }

    private void check(String what, List<Change> plan, Map<String, String> before, Map<String, String> after,
                       EngineStatus status, DesiredState d) {
        Explainer x = new Explainer(plan, status, d, before, after);
        List<String> unannounced = new ArrayList<>();
        for (String key : union(before, after)) {
            String was = before.get(key);
            String is = after.get(key);
            if (Objects.equals(was, is)) continue;
            String change = (was == null ? "+ " : is == null ? "- " : "~ ") + key + (is == null ? "" : " = " + is);
            if (!x.explains(key, was, is)) unannounced.add(change);
        }
        List<String> notDone = plan.stream().filter(c -> !x.happened(c)).map(Change::toString).toList();
        assertEquals(List.of(), unannounced, what + ": kernel changes no line of the plan announced; plan:\n" + text(plan));
        assertEquals(List.of(), notDone, what + ": plan lines that did not happen; kernel after:\n" + after);
    }

    private static List<String> union(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new TreeMap<>(a);
        all.putAll(b);
        return new ArrayList<>(all.keySet());
    }

    private static String text(List<Change> plan) {
        StringBuilder sb = new StringBuilder();
        plan.forEach(c -> sb.append("  ").append(c).append('\n'));
        return sb.toString();
    }

    /** Which plan line accounts for which observed change, and whether a plan line's effect is there. */
    private final class Explainer {
        private final List<Change> plan;
        private final DesiredState desired;
        private final Map<String, String> before;
        private final Map<String, String> after;
        /** Container addresses and host veths, to tell whose a firewall element is. */
        private final Map<String, String> ownerOf = new HashMap<>();

        Explainer(List<Change> plan, EngineStatus status, DesiredState desired, Map<String, String> before,
                  Map<String, String> after) {
            this.plan = plan;
            this.desired = desired;
            this.before = before;
            this.after = after;
            for (EngineStatus.ContainerStatus c : status.containers()) {
                if (c.ipv4() != null) ownerOf.put("\"" + c.ipv4() + "\"", c.name());
                if (c.ipv6() != null) ownerOf.put("\"" + c.ipv6() + "\"", c.name());
                if (c.hostVeth() != null) ownerOf.put("\"" + c.hostVeth() + "\"", c.name());
            }
        }

        private boolean any(Predicate<Change> p) {
            return plan.stream().anyMatch(p);
        }

        private boolean line(Change.Action a, String kind, Predicate<String> object) {
            return any(c -> c.action() == a && c.kind().equals(kind) && object.test(c.object()));
        }

        /** The namespace prefix of a key ({@code ""} for the host) and the rest. */
        private String[] split(String key) {
            for (ContainerSpec c : desired.containers()) {
                if (key.startsWith(c.netns() + ":")) return new String[] {c.netns() + ":", key.substring(c.netns().length() + 1)};
            }
            return new String[] {"", key};
        }

        boolean explains(String key, String was, String is) {
            String[] nk = split(key);
            String ns = nk[0];
            String k = nk[1];
            Change.Action a = was == null ? Change.Action.CREATE : is == null ? Change.Action.DELETE : Change.Action.UPDATE;
            // a namespace removed takes everything in it along
            if (!ns.isEmpty() && a == Change.Action.DELETE
                    && line(Change.Action.DELETE, "netns", o -> o.equals(ns.substring(0, ns.length() - 1)))) {
                return true;
            }
            String[] w = k.split(" ", 2);
            String rest = w.length > 1 ? w[1] : "";
            return switch (w[0]) {
                case "link" -> link(ns, rest, a, was, is);
                case "address" -> address(ns, rest, a);
                case "route" -> route(ns, rest, a);
                case "sysctl" -> sysctl(ns, rest, is);
                case "nft" -> nft(rest, a);
                default -> false;
            };
        }

        private boolean link(String ns, String name, Change.Action a, String was, String is) {
            if (line(a, "link", o -> o.equals(ns + name))) return true;
            // a veth peer comes with its host end, and goes with it
            if (!ns.isEmpty() && any(c -> c.kind().equals("link") && c.action() == a
                    && c.detail().contains("peer " + ns + name))) return true;
            if (!ns.isEmpty() && a == Change.Action.DELETE) {
                return desired.containers().stream().anyMatch(c -> ns.equals(c.netns() + ":")
                        && line(Change.Action.DELETE, "endpoint", o -> o.startsWith(c.name() + " on ")));
            }
            if (a == Change.Action.UPDATE) {
                boolean up = !was.contains("up=true") && is.contains("up=true");
                if (up && line(Change.Action.UPDATE, "link", o -> o.equals(ns + name))) return true;
                // a bridge takes the smallest MTU of its ports: a port created with it explains the bridge's
                String mtu = is.replaceAll(".*mtu=(\\d+).*", "$1");
                // (and a port deleted gives the bridge back its own)
                return was.replaceAll("mtu=\\d+", "").equals(is.replaceAll("mtu=\\d+", "")) && ns.isEmpty()
                        && (any(c -> c.kind().equals("link") && c.action() == Change.Action.CREATE
                        && c.detail().contains("master " + name + ",") && c.detail().contains("mtu " + mtu + ","))
                        || any(c -> c.kind().equals("link") && c.action() == Change.Action.DELETE
                        && before.getOrDefault("link " + c.object(), "").contains("master=" + name + " ")));
            }
            return false;
        }

        private boolean address(String ns, String rest, Change.Action a) {
            String[] dc = rest.split(" ");
            if (dc[1].startsWith("fe80:")) return true; // link-local: the kernel's, with the link up (IPv6 on)
            if (dc[0].equals("lo") && (dc[1].equals("127.0.0.1/8") || dc[1].equals("::1/128"))) {
                return line(a == Change.Action.CREATE ? Change.Action.UPDATE : a, "link", o -> o.equals(ns + "lo"))
                        || a == Change.Action.DELETE; // the loopback's own, with lo up; gone with its namespace
            }
            if (line(a, "address", o -> o.equals(ns + dc[0] + " " + dc[1]) || o.equals(ns + dc[0]))) return true;
            // an address leaves with its link
            return a == Change.Action.DELETE && line(Change.Action.DELETE, "link", o -> o.equals(ns + dc[0]));
        }

        private boolean route(String ns, String rest, Change.Action a) {
            String[] r = rest.split(" "); // DST dev DEV -4|-6
            String dst = r[0];
            String dev = r[2];
            if (dst.startsWith("ff00::") || dst.startsWith("fe80::")) return true; // IPv6's own, with the link
            if (line(a, "route", o -> o.equals(ns + dst))) return true;
            return a == Change.Action.DELETE && line(Change.Action.DELETE, "link", o -> o.equals(ns + dev));
        }

        private boolean sysctl(String ns, String key, String value) {
            if (any(c -> c.kind().equals("sysctl") && c.object().equals(ns + key) && c.detail().equals(value))) return true;
            String[] p = key.split("\\.");
            // net.ipv4.conf.<bridge>.route_localnet: the firewall of the network on that bridge
            if (ns.isEmpty() && p.length == 5 && p[4].equals("route_localnet")) {
                String br = p[3];
                if (any(c -> c.kind().equals("firewall") && c.object().startsWith("network ")
                        && (c.detail().contains("route_localnet on " + br) || c.action() == Change.Action.DELETE))) {
                    return true;
                }
            }
            // a link made or removed brings or takes its per-link sysctls
            if (p.length == 5 && p[2].equals("conf") && !p[3].equals("all") && !p[3].equals("default")) {
                String link = p[3];
                boolean made = before.get(ns + "link " + link) == null;
                boolean gone = after.get(ns + "link " + link) == null;
                if (gone) return true;
                if (made) {
                    // a new link starts with the namespace's defaults: only a difference from them is a change
                    String dflt = after.get(ns + "sysctl " + p[0] + "." + p[1] + ".conf.default." + p[4]);
                    return Objects.equals(dflt, value);
                }
            }
            return false;
        }

        private boolean nft(String rest, Change.Action a) {
            String[] w = rest.split(" ", 5);
            String table = w[2];
            if (table.endsWith("-user")) {
                if (w[0].equals("rule")) return line(a, "user rule", o -> true);
                return line(a, "user hook", o -> o.equals(table));
            }
            if (w[0].equals("element")) {
                for (Map.Entry<String, String> owner : ownerOf.entrySet()) {
                    if (rest.contains(owner.getKey())) {
                        String c = owner.getValue();
                        if (line(a, "firewall", o -> o.startsWith("endpoint " + c + " on "))) return true;
                    }
                }
            }
            // tables, chains, rules, sets and what else is a network's: its firewall line (or the tables' teardown)
            return any(c -> c.kind().equals("firewall") && c.action() == a
                    && (c.detail().startsWith("nftables") || c.action() == Change.Action.DELETE));
        }

        /** Whether a plan line's effect is there after. */
        boolean happened(Change c) {
            String o = c.object();
            boolean create = c.action() != Change.Action.DELETE;
            return switch (c.kind()) {
                case "link" -> create ? after.containsKey(keyOf(o, "link"))
                        && (!c.detail().equals("up") || after.get(keyOf(o, "link")).contains("up=true"))
                        : !after.containsKey(keyOf(o, "link"));
                case "address" -> {
                    String[] dc = o.split(" ");
                    String prefix = keyOf(dc[0], "address") + " ";
                    yield dc.length == 2 ? after.containsKey(prefix + dc[1]) == create
                            : after.keySet().stream().anyMatch(k -> k.startsWith(prefix) && !k.contains(" fe80:"));
                }
                case "route" -> after.keySet().stream().anyMatch(k -> k.startsWith(keyOf(o, "route") + " ")) == create;
                case "sysctl" -> c.detail().equals(after.get(keyOf(o, "sysctl")));
                case "netns" -> Files.exists(Path.of("/run/netns", o)) == create;
                case "user hook" -> after.containsKey("nft table ip " + o) && after.containsKey("nft table ip6 " + o);
                case "user rule" -> after.keySet().stream().anyMatch(k -> k.startsWith("nft rule ip nlbridge-user "));
                case "firewall" -> firewall(c);
                // the engine's own records and files: status and the state directory say
                default -> true;
            };
        }

        private boolean firewall(Change c) {
            boolean nft = c.detail().startsWith("nftables");
            if (c.action() == Change.Action.DELETE) {
                return !c.object().startsWith("tables ") || after.keySet().stream().noneMatch(k -> k.startsWith("nft table ")
                        && !k.endsWith("-user"));
            }
            if (!nft) return true; // backend none: nothing in the kernel, by design
            if (c.object().startsWith("endpoint ")) {
                String ctr = c.object().split(" ")[1];
                return after.keySet().stream().anyMatch(k -> k.startsWith("nft element ") && ownerOf.entrySet().stream()
                        .anyMatch(e -> e.getValue().equals(ctr) && k.contains(e.getKey())));
            }
            return after.keySet().stream().anyMatch(k -> k.startsWith("nft table ") && k.endsWith(" nlbridge"));
        }

        /** {@code ns:eth0} -> {@code ns:link eth0}; {@code docker0} -> {@code link docker0}. */
        private String keyOf(String object, String kind) {
            String[] nk = split(object);
            return nk[0] + kind + " " + nk[1];
        }
    }
}
