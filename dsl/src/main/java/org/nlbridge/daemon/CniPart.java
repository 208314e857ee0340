package org.nlbridge.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.client.ApiJson;
import org.nlbridge.net.DnsName;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.PortSpec;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;

/**
 * What the daemon runs for CNI runtimes, kept apart from the desired state scripts and API clients set: the networks
 * a first ADD created and one record per attachment. A script's {@code apply} replaces the desired state and leaves
 * this alone; the engine converges to both together ({@link #merge}): one engine container per container id. Saved in
 * {@code <state>/daemon-cni.json} (format {@value #FORMAT}: {@code {"format":1,"networks":[...],"attachments":[...]}},
 * networks in the JSON of API v1), replaced whole on every change.
 *
 * @param networks    networks created by an ADD (a network the desired state also has is the desired state's)
 * @param attachments one per {@code (CNI_CONTAINERID, CNI_IFNAME)}
 */
record CniPart(List<NetworkSpec> networks, List<Attachment> attachments) {

    static final String FILE = "daemon-cni.json";
    static final int FORMAT = 1;
    static final CniPart EMPTY = new CniPart(List.of(), List.of());

    /**
     * One attachment, {@code (CNI_CONTAINERID, CNI_IFNAME)} on a network, as the engine container of that id carries
     * it: its interface in the runtime's namespace with what the ADD asked for (and, once made, the address and MAC
     * it got, so they stay).
     *
     * @param netns        {@code CNI_NETNS} as the runtime gave it
     * @param defaultRoute whether it carries the container's default route (settled at its ADD)
     * @param spoofCheck   anti-spoofing on its bridge port (the config's {@code spoofCheck})
     */
    record Attachment(String network, String containerId, String ifname, String netns, boolean defaultRoute,
                      boolean spoofCheck, String podNamespace, String podName, List<DnsName> aliases, Ipv4Address ip, Ipv6Address ip6,
                      MacAddress mac, List<PortSpec> publish) {
        Attachment {
            aliases = List.copyOf(aliases);
            publish = List.copyOf(publish);
        }

        boolean is(String network, String containerId, String ifname) {
            return this.network.equals(network) && this.containerId.equals(containerId) && this.ifname.equals(ifname);
        }

        /** This attachment with the address(es) and MAC it was given, so a re-made veth gets them again. */
        Attachment pinned(Ipv4Address ip, Ipv6Address ip6, MacAddress mac) {
            return new Attachment(network, containerId, ifname, netns, defaultRoute, spoofCheck, podNamespace, podName,
                    aliases, ip, ip6, mac, publish);
        }

        String describe() {
            return "container " + containerId + " " + ifname + " on " + network
                    + (podName == null ? "" : " (pod " + (podNamespace == null ? "" : podNamespace + "/") + podName + ")");
        }
    }

    /**
     * The engine containers the attachments make: one per container id, in the runtime's namespace, its first
     * attachment (the oldest there is) as its network and the others as connects, each with its interface name.
     */
    List<ContainerSpec> containers() {
        Map<String, List<Attachment>> byId = new LinkedHashMap<>();
        attachments.forEach(a -> byId.computeIfAbsent(a.containerId(), k -> new ArrayList<>()).add(a));
        List<ContainerSpec> out = new ArrayList<>();
        byId.forEach((id, as) -> out.add(container(id, as)));
        return out;
    }

    private static ContainerSpec container(String id, List<Attachment> as) {
        Attachment first = as.getFirst();
        ContainerSpec.Builder b = ContainerSpec.builder(id).netns(first.netns()).network(first.network())
                .ifname(first.ifname()).hostname(hostname(first)).defaultRoute(first.defaultRoute())
                .spoofCheck(first.spoofCheck());
        if (first.ip() != null) b.ip(first.ip().toString());
        if (first.ip6() != null) b.ip6(first.ip6().toString());
        if (first.mac() != null) b.mac(first.mac().toString());
        first.publish().forEach(p -> b.publish(p.toString()));
        first.aliases().forEach(n -> b.alias(n.toString()));
        for (Attachment a : as.subList(1, as.size())) {
            b.connect(a.network(), c -> {
                c.ifname(a.ifname()).defaultRoute(a.defaultRoute()).spoofCheck(a.spoofCheck());
                if (a.ip() != null) c.ip(a.ip().toString());
                if (a.ip6() != null) c.ip6(a.ip6().toString());
                if (a.mac() != null) c.mac(a.mac().toString());
                a.publish().forEach(p -> c.publish(p.toString()));
                a.aliases().forEach(n -> c.alias(n.toString()));
            });
        }
        for (Attachment a : as) {
            if (a.podNamespace() != null) b.label(POD_NAMESPACE, a.podNamespace());
            if (a.podName() != null) b.label(POD_NAME, a.podName());
        }
        return b.build();
    }

    /** Kubernetes' label keys for a pod's identity (what CNI_ARGS' K8S_POD_* carry). */
    static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
    static final String POD_NAME = "io.kubernetes.pod.name";

    /**
     * The container id when it is a host name, else its first 12 characters (Docker's short id): derived from the id
     * alone, so it stays when attachments come and go (the runtime names the container's host itself; nlbridge
     * writes no files into its namespace).
     */
    private static String hostname(Attachment a) {
        for (String h : new String[] {a.containerId(), a.containerId().substring(0, Math.min(12, a.containerId().length()))}) {
            try {
                if (h != null) return org.nlbridge.net.Hostname.parse("hostname", h).toString();
            } catch (org.nlbridge.net.ValidationException e) {
                // not a host name: the next one
            }
        }
        return "container";
    }

    CniPart {
        networks = List.copyOf(networks);
        attachments = List.copyOf(attachments);
    }

    Optional<NetworkSpec> network(String name) {
        return networks.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    Optional<Attachment> find(String network, String containerId, String ifname) {
        return attachments.stream().filter(a -> a.is(network, containerId, ifname)).findFirst();
    }

    CniPart withNetwork(NetworkSpec n) {
        List<NetworkSpec> out = new ArrayList<>(networks);
        out.removeIf(x -> x.name().equals(n.name()));
        out.add(n);
        return new CniPart(out, attachments);
    }

    /** With {@code a} replacing the attachment of its key in place, or added after the others. */
    CniPart with(Attachment a) {
        List<Attachment> out = new ArrayList<>(attachments);
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).is(a.network(), a.containerId(), a.ifname())) {
                out.set(i, a);
                return new CniPart(networks, out);
            }
        }
        out.add(a);
        return new CniPart(networks, out);
    }

    CniPart without(Predicate<Attachment> gone) {
        return new CniPart(networks, attachments.stream().filter(gone.negate()).toList());
    }

    /**
     * What the engine converges to: the desired state's networks and containers, then the networks only CNI created
     * and the CNI containers. {@link DesiredState}'s checks apply to the whole (unique names and bridges, host ports).
     */
    static DesiredState merge(DesiredState desired, CniPart cni) {
        if (cni.networks.isEmpty() && cni.attachments.isEmpty()) return desired;
        List<NetworkSpec> nets = new ArrayList<>(desired.networks());
        for (NetworkSpec n : cni.networks) if (desired.network(n.name()).isEmpty()) nets.add(n);
        List<ContainerSpec> ctrs = new ArrayList<>(desired.containers());
        ctrs.addAll(cni.containers());
        return new DesiredState(nets, ctrs, desired.userRules());
    }

    // ------------------------------------------------------------------------------------------ the file

    static Optional<CniPart> load(Path file) {
        return AtomicFile.read(file, "the daemon's CNI attachments", CniPart::decode);
    }

    static void save(Path file, CniPart part, boolean durable) {
        try {
            AtomicFile.write(file, encode(part), durable);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the daemon's CNI attachments in " + file + ": " + e.getMessage(), e);
        }
    }

    static byte[] encode(CniPart p) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("format", FORMAT);
        ArrayNode nets = o.putArray("networks");
        p.networks.forEach(n -> nets.add(ApiJson.toJson(n)));
        ArrayNode atts = o.putArray("attachments");
        for (Attachment a : p.attachments) {
            ObjectNode x = atts.addObject();
            x.put("network", a.network());
            x.put("containerId", a.containerId());
            x.put("ifname", a.ifname());
            x.put("netns", a.netns());
            x.put("defaultRoute", a.defaultRoute());
            if (!a.spoofCheck()) x.put("spoofCheck", false); // only when off: format 1 as it was
            x.put("podNamespace", a.podNamespace());
            x.put("podName", a.podName());
            ArrayNode al = x.putArray("aliases");
            a.aliases().forEach(n -> al.add(n.toString()));
            x.put("ip", a.ip() == null ? null : a.ip().toString());
            x.put("ip6", a.ip6() == null ? null : a.ip6().toString());
            x.put("mac", a.mac() == null ? null : a.mac().toString());
            ArrayNode pp = x.putArray("publish");
            a.publish().forEach(x2 -> pp.add(x2.toString()));
        }
        return (ApiJson.write(o) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static final Set<String> KEYS = Set.of("format", "networks", "attachments");
    private static final Set<String> ATTACHMENT_KEYS = Set.of("network", "containerId", "ifname", "netns", "defaultRoute",
            "spoofCheck", "podNamespace", "podName", "aliases", "ip", "ip6", "mac", "publish");

    static CniPart decode(byte[] bytes) {
        JsonNode n = ApiJson.parse("the document", bytes);
        if (!n.isObject()) throw new IllegalArgumentException("not a JSON object");
        n.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) throw new IllegalArgumentException("unknown key \"" + k + "\"");
        });
        JsonNode format = n.get("format");
        if (format == null || !format.isIntegralNumber() || format.asLong() != FORMAT) {
            throw new IllegalArgumentException("format " + format + "; this daemon reads format " + FORMAT);
        }
        List<NetworkSpec> nets = new ArrayList<>();
        for (JsonNode x : n.path("networks")) nets.add(ApiJson.networkSpec(x));
        List<Attachment> atts = new ArrayList<>();
        for (JsonNode x : n.path("attachments")) {
            x.fieldNames().forEachRemaining(k -> {
                if (!ATTACHMENT_KEYS.contains(k)) throw new IllegalArgumentException("unknown attachment key \"" + k + "\"");
            });
            List<DnsName> aliases = new ArrayList<>();
            for (JsonNode al : x.path("aliases")) aliases.add(DnsName.parse("alias", al.asText()));
            List<PortSpec> publish = new ArrayList<>();
            for (JsonNode p : x.path("publish")) publish.add(PortSpec.parse("publish", p.asText()));
            String ip = text(x, "ip");
            String ip6 = text(x, "ip6");
            String mac = text(x, "mac");
            atts.add(new Attachment(x.path("network").asText(), x.path("containerId").asText(), x.path("ifname").asText(),
                    x.path("netns").asText(), x.path("defaultRoute").asBoolean(true), x.path("spoofCheck").asBoolean(true),
                    text(x, "podNamespace"),
                    text(x, "podName"), aliases, ip == null ? null : Ipv4Address.parse("ip", ip),
                    ip6 == null ? null : Ipv6Address.parse("ip6", ip6), mac == null ? null : MacAddress.parse("mac", mac),
                    publish));
        }
        return new CniPart(nets, atts);
    }

    private static String text(JsonNode x, String key) {
        JsonNode v = x.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }
}
