package org.nlbridge.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.client.ApiJson;
import org.nlbridge.net.DnsName;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;

/**
 * What the daemon runs for CNI runtimes, kept apart from the desired state scripts and API clients set: the networks
 * a first ADD created and one record per attachment. A script's {@code apply} replaces the desired state and leaves
 * this alone; the engine converges to both together ({@link #merge}). Saved in {@code <state>/daemon-cni.json}
 * ({@value #FORMAT}: {@code {"format":1,"networks":[...],"attachments":[...]}}, networks and containers in the JSON of
 * API v1), replaced whole on every change.
 *
 * @param networks    networks created by an ADD (a network the desired state also has is the desired state's)
 * @param attachments one per {@code (CNI_CONTAINERID, CNI_IFNAME)}
 */
record CniPart(List<NetworkSpec> networks, List<Attachment> attachments) {

    static final String FILE = "daemon-cni.json";
    static final int FORMAT = 1;
    static final CniPart EMPTY = new CniPart(List.of(), List.of());

    /**
     * One attachment and the engine container that carries it.
     *
     * @param netns        {@code CNI_NETNS} as the runtime gave it
     * @param defaultRoute as the config said (null: the default)
     */
    record Attachment(String network, String containerId, String ifname, String netns, Boolean defaultRoute,
                      String podNamespace, String podName, List<DnsName> aliases, ContainerSpec container) {
        Attachment {
            aliases = List.copyOf(aliases);
        }

        boolean is(String network, String containerId, String ifname) {
            return this.network.equals(network) && this.containerId.equals(containerId) && this.ifname.equals(ifname);
        }

        String describe() {
            return "container " + containerId + " " + ifname + " on " + network
                    + (podName == null ? "" : " (pod " + (podNamespace == null ? "" : podNamespace + "/") + podName + ")");
        }
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

    CniPart with(Attachment a) {
        return without(x -> x.is(a.network(), a.containerId(), a.ifname())).plus(a);
    }

    private CniPart plus(Attachment a) {
        List<Attachment> out = new ArrayList<>(attachments);
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
        cni.attachments.forEach(a -> ctrs.add(a.container()));
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
            if (a.defaultRoute() == null) x.putNull("defaultRoute");
            else x.put("defaultRoute", a.defaultRoute());
            x.put("podNamespace", a.podNamespace());
            x.put("podName", a.podName());
            ArrayNode al = x.putArray("aliases");
            a.aliases().forEach(n -> al.add(n.toString()));
            x.set("container", ApiJson.toJson(a.container()));
        }
        return (ApiJson.write(o) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static final Set<String> KEYS = Set.of("format", "networks", "attachments");
    private static final Set<String> ATTACHMENT_KEYS = Set.of("network", "containerId", "ifname", "netns", "defaultRoute",
            "podNamespace", "podName", "aliases", "container");

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
            JsonNode dr = x.get("defaultRoute");
            atts.add(new Attachment(x.path("network").asText(), x.path("containerId").asText(), x.path("ifname").asText(),
                    x.path("netns").asText(), dr == null || dr.isNull() ? null : dr.asBoolean(), text(x, "podNamespace"),
                    text(x, "podName"), aliases, ApiJson.containerSpec(x.get("container"))));
        }
        return new CniPart(nets, atts);
    }

    private static String text(JsonNode x, String key) {
        JsonNode v = x.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }
}
