package org.nlbridge.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.spec.Plan;

/**
 * How plans and status are printed: {@code text} for people, {@code json} (one document, one line) for programs.
 * The formats are documented in the README (The command line) and pinned by CliTest.
 */
final class Output {
    private Output() {}

    /** {@code -o}: the output format. */
    enum Format { text, json }

    /** The command a plan is printed for, with its words. */
    enum Verb {
        PLAN("plan", "to create", "to update", "to delete"),
        PLAN_DESTROY("plan", "to create", "to update", "to delete"),
        APPLY("applied", "created", "updated", "deleted"),
        DESTROY("destroyed", "created", "updated", "deleted");

        final String summary;
        final String[] counted;

        Verb(String summary, String... counted) {
            this.summary = summary;
            this.counted = counted;
        }
    }

    static String json(Object value) {
        return Json.write(value);
    }

    /**
     * Everything that touches Jackson, in a class of its own: Jackson is hundreds of classes that text output does
     * not need, and even a catch clause for its exception in Output would have the verifier load them.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

        static String write(Object value) {
            try {
                return MAPPER.writeValueAsString(value) + "\n";
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Text: one line per change ({@code + link docker0 (bridge)}), then a summary of the non-zero counts
     * ({@code plan: 5 to create, 1 to delete}); an empty plan is one line saying so.
     */
    static String plan(Verb verb, String file, Plan plan, Format format) {
        int[] n = counts(plan);
        if (format == Format.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("command", switch (verb) {
                case PLAN -> "plan";
                case PLAN_DESTROY -> "plan-destroy";
                case APPLY -> "apply";
                case DESTROY -> "destroy";
            });
            doc.put("file", file);
            doc.put("changed", !plan.isEmpty());
            doc.put("create", n[0]);
            doc.put("update", n[1]);
            doc.put("delete", n[2]);
            doc.put("changes", plan.changes().stream().map(Output::change).toList());
            return json(doc);
        }
        if (plan.isEmpty()) {
            return switch (verb) {
                case PLAN -> "no changes: the kernel and the state match " + file + "\n";
                case APPLY -> "no changes: the kernel and the state already matched " + file + "\n";
                case PLAN_DESTROY, DESTROY -> "no changes: nothing that " + file + " owns exists\n";
            };
        }
        StringBuilder sb = new StringBuilder(plan.toString());
        sb.append(verb.summary).append(": ");
        boolean first = true;
        for (int i = 0; i < 3; i++) {
            if (n[i] == 0) continue;
            if (!first) sb.append(", ");
            sb.append(n[i]).append(' ').append(verb.counted[i]);
            first = false;
        }
        return sb.append('\n').toString();
    }

    /** {@code 1 network}, {@code 2 networks}. */
    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** What {@code check -o json} prints: the names the script declares. */
    static Map<String, Object> summary(String file, DesiredState d) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("command", "check");
        doc.put("file", file);
        doc.put("networks", d.networks().stream().map(NetworkSpec::name).toList());
        doc.put("containers", d.containers().stream().map(ContainerSpec::name).toList());
        doc.put("userRules", d.userRules().rules().stream().map(Object::toString).toList());
        return doc;
    }

    private static int[] counts(Plan plan) {
        int[] n = new int[3];
        for (Change c : plan.changes()) n[c.action().ordinal()]++;
        return n;
    }

    private static Map<String, Object> change(Change c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", c.action().name().toLowerCase(Locale.ROOT));
        m.put("kind", c.kind());
        m.put("object", c.object());
        m.put("detail", c.detail());
        return m;
    }

    /** Text: a table per non-empty section (networks, containers, ports, files); JSON: the status records as they are. */
    static String status(EngineStatus s, Format format) {
        if (format == Format.json) return json(s);
        StringBuilder sb = new StringBuilder();
        if (s.networks().isEmpty() && s.containers().isEmpty() && s.ports().isEmpty()) {
            sb.append("no networks, containers or published ports\n");
            warnings(s, sb);
            return sb.toString();
        }
        Table nets = new Table("NETWORK", "BRIDGE", "SUBNET", "GATEWAY", "FIXED-CIDR", "IPV6", "MTU", "ICC", "MASQ",
                "INTERNAL", "FIREWALL", "BRIDGE-OWNED");
        for (EngineStatus.NetworkStatus n : s.networks()) {
            nets.row(n.name(), n.bridge(), n.subnet(), n.gateway(), n.fixedCidr(), n.subnetV6(), n.mtu(),
                    yes(n.icc()), yes(n.ipMasq()), yes(n.internal()), n.firewall(), yes(n.bridgeOwned()));
        }
        Table ctrs = new Table("CONTAINER", "NETWORK", "NETNS", "IFNAME", "HOST-VETH", "IPV4", "IPV6", "MAC",
                "HOSTNAME");
        Table more = new Table("CONTAINER", "NETWORK", "IFNAME", "HOST-VETH", "IPV4", "IPV6", "MAC", "ROUTE", "ALIASES");
        Table labels = new Table("CONTAINER", "LABEL", "VALUE");
        Table files = new Table("CONTAINER", "FILE");
        for (EngineStatus.ContainerStatus c : s.containers()) {
            ctrs.row(c.name(), c.network(), c.netns(), c.ifname(), c.hostVeth(), c.ipv4(), c.ipv6(), c.mac(),
                    c.hostname());
            // a container on several networks, or whose first network does not carry its default route: each one
            if (c.attachments().size() > 1 || c.attachments().stream().anyMatch(a -> !a.defaultRoute() || !a.aliases().isEmpty())) {
                for (EngineStatus.AttachmentStatus a : c.attachments()) {
                    more.row(c.name(), a.network(), a.ifname(), a.hostVeth(), a.ipv4(), a.ipv6(), a.mac(),
                            a.defaultRoute() ? "default" : null, a.aliases().isEmpty() ? null : String.join(",", a.aliases()));
                }
            }
            c.labels().forEach((k, v) -> labels.row(c.name(), k, v));
            for (String f : c.files()) files.row(c.name(), f);
        }
        Table ports = new Table("CONTAINER", "PROTO", "HOST", "TO", "PACKETS", "BYTES");
        for (EngineStatus.PortStatus p : s.ports()) {
            ports.row(p.container(), p.protocol(), endpoint(p.hostIp(), p.hostPort()),
                    endpoint(p.containerIp(), p.containerPort()), counter(p.packets()), counter(p.bytes()));
        }
        Table overlays = new Table("OVERLAY", "VNI", "VXLAN", "UNDERLAY", "STORE");
        Table peers = new Table("OVERLAY", "PEER", "NAME", "UNDERLAY", "CONTAINERS", "LAST-SEEN");
        for (EngineStatus.OverlayStatus o : s.overlays()) {
            overlays.row(o.network(), o.vni() > 0 ? Integer.toString(o.vni()) : null, o.vxlan(), o.underlay(), o.store());
            for (EngineStatus.PeerStatus p : o.peers()) {
                peers.row(o.network(), p.host(), p.name(), p.underlay(), p.containers().isEmpty() ? null
                        : String.join(",", p.containers()), p.lastSeenMs() < 0 ? null : p.lastSeenMs() / 1000 + "s ago");
            }
        }
        for (Table t : List.of(nets, ctrs, more, labels, ports, files, overlays, peers)) {
            if (t.isEmpty()) continue;
            if (!sb.isEmpty()) sb.append('\n');
            sb.append(t.render());
        }
        warnings(s, sb);
        return sb.toString();
    }

    /** After the tables, a blank line and one {@code warning: ...} line each. */
    private static void warnings(EngineStatus s, StringBuilder sb) {
        if (s.warnings().isEmpty()) return;
        sb.append('\n');
        for (String w : s.warnings()) sb.append("warning: ").append(w).append('\n');
    }

    /** A kernel counter, or "-" where the firewall backend does not count (negative). */
    private static String counter(long n) {
        return n < 0 ? "-" : Long.toString(n);
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }

    /** {@code 10.0.0.1:80}, {@code [fd00::1]:80}, or {@code *:80} for every address. */
    static String endpoint(String ip, int port) {
        if (ip == null || ip.isEmpty()) return "*:" + port;
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
    }
}
