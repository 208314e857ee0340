package org.nlbridge.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.driver.dns.Mount;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.net.Hostname;
import org.nlbridge.net.PortSpec;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.AttachmentSpec;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.GatewayMode;
import org.nlbridge.spec.DnsSpec;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.spec.Plan;
import org.nlbridge.spec.UserRulesSpec;

/**
 * The API's JSON, both ways, written out by hand so the wire format is a contract rather than whatever a
 * reflection library makes of the records. Specs are read by calling their builders, key by key, exactly as a
 * script's keys are: the daemon accepts what the DSL and the Java API accept and rejects the rest with the same
 * messages. Unknown keys and values of the wrong JSON type are errors; {@code null} means "not given".
 */
public final class ApiJson {
    private ApiJson() {}

    /** Strict: no comments, no trailing tokens, no duplicate keys, bounded nesting and sizes. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32)
                .maxStringLength(1 << 20).maxNumberLength(32).build());
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    // ------------------------------------------------------------------------------------------ text

    /** Parses a request or response body; a syntax error is a {@link ValidationException} naming {@code what}. */
    public static JsonNode parse(String what, byte[] body) {
        if (body.length == 0) throw new ValidationException(what, "", "empty body", "a JSON document");
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n == null || n.isMissingNode()) throw new ValidationException(what, "", "empty body", "a JSON document");
            return n;
        } catch (JsonProcessingException e) {
            throw new ValidationException(what, null, "not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() + " column "
                    + e.getLocation().getColumnNr() : ""), "a JSON document");
        } catch (IOException e) {
            throw new ValidationException(what, null, "unreadable: " + e.getMessage(), "a JSON document");
        }
    }

    /** One line of JSON (no newline inside, so documents can be streamed one per line). */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] bytes(Object value) {
        return write(value).getBytes(StandardCharsets.UTF_8);
    }

    // ----------------------------------------------------------------------------------- desired state

    public static ObjectNode toJson(DesiredState d) {
        ObjectNode o = F.objectNode();
        ArrayNode nets = o.putArray("networks");
        d.networks().forEach(n -> nets.add(toJson(n)));
        ArrayNode ctrs = o.putArray("containers");
        d.containers().forEach(c -> ctrs.add(toJson(c)));
        ArrayNode rules = o.putArray("userRules");
        for (UserRulesSpec.AllowOnlyFrom r : d.userRules().rules()) {
            ObjectNode rn = rules.addObject();
            ArrayNode src = rn.putArray("allowOnlyFrom");
            r.sources().forEach(s -> src.add(s.toString()));
            rn.put("on", r.on().toString());
        }
        return o;
    }

    private static final Set<String> DESIRED_KEYS = Set.of("networks", "containers", "userRules");

    /** A desired state, through the specs' builders and {@link DesiredState}'s own checks. */
    public static DesiredState desiredState(JsonNode n) {
        Obj o = new Obj("desired state", n, DESIRED_KEYS);
        List<NetworkSpec> nets = new ArrayList<>();
        for (JsonNode x : o.array("networks")) nets.add(networkSpec(x));
        List<ContainerSpec> ctrs = new ArrayList<>();
        for (JsonNode x : o.array("containers")) ctrs.add(containerSpec(x));
        UserRulesSpec.Builder rules = new UserRulesSpec.Builder();
        for (JsonNode x : o.array("userRules")) {
            Obj r = new Obj("userRules", x, Set.of("allowOnlyFrom", "on"));
            List<String> sources = new ArrayList<>();
            for (JsonNode s : r.array("allowOnlyFrom")) sources.add(text("userRules.allowOnlyFrom", s));
            rules.allowOnlyFrom(r.requiredText("on"), sources.toArray(String[]::new));
        }
        return new DesiredState(nets, ctrs, rules.build());
    }

    // ------------------------------------------------------------------------------------------ networks

    public static ObjectNode toJson(NetworkSpec n) {
        ObjectNode o = F.objectNode();
        o.put("name", n.name());
        o.put("driver", n.driver());
        o.put(n.existing() ? "useBridge" : "bridge", n.bridge().toString());
        putText(o, "bip", n.bip());
        putText(o, "fixedCidr", n.fixedCidr());
        putText(o, "fixedCidrV6", n.fixedCidrV6());
        if (n.mtu() == null) o.putNull("mtu");
        else o.put("mtu", n.mtu().value());
        o.put("icc", n.icc());
        o.put("ipMasq", n.ipMasq());
        o.put("ipForward", n.ipForward());
        o.put("internal", n.internal());
        o.put("firewall", n.firewall().label());
        o.put("macFromIp", n.macFromIp());
        // only when not the default, so a stored desired state of an older daemon reads back the same
        if (n.gatewayMode() != GatewayMode.NAT) o.put("gatewayMode", n.gatewayMode().label());
        if (n.gatewayModeV6() != n.gatewayMode()) o.put("gatewayModeV6", n.gatewayModeV6().label());
        o.set("dns", toJson(n.dns()));
        if (n.vni() != null) o.put("vni", n.vni().intValue()); // only an overlay's: bridge networks' JSON stays format 1
        if (n.hostBindingIp() != null) o.put("hostBindingIp", n.hostBindingIp().toString()); // absent: every address
        return o;
    }

    /** The keys of a network object, in the order the DSL documents them. */
    public static final List<String> NETWORK_KEYS = List.of("name", "driver", "bridge", "useBridge", "bip", "fixedCidr",
            "fixedCidrV6", "mtu", "icc", "ipMasq", "ipForward", "internal", "firewall", "macFromIp", "gatewayMode",
            "gatewayModeV6", "hostBindingIp", "dns", "subnet", "vni");

    public static NetworkSpec networkSpec(JsonNode n) {
        String name = nameOf("network", n);
        NetworkSpec.Builder b = NetworkSpec.builder(name); // checks the name
        Obj o = new Obj("network " + name, n, Set.copyOf(NETWORK_KEYS));
        o.text("driver", b::driver);
        o.text("bridge", b::bridge);
        o.text("useBridge", b::useBridge);
        o.text("bip", b::bip);
        o.text("subnet", b::subnet);
        o.integer("vni", b::vni);
        o.text("fixedCidr", b::fixedCidr);
        o.text("fixedCidrV6", b::fixedCidrV6);
        o.integer("mtu", b::mtu);
        o.bool("icc", b::icc);
        o.bool("ipMasq", b::ipMasq);
        o.bool("ipForward", b::ipForward);
        o.bool("internal", b::internal);
        o.text("firewall", b::firewall);
        o.bool("macFromIp", b::macFromIp);
        o.text("gatewayMode", b::gatewayMode);
        o.text("gatewayModeV6", b::gatewayModeV6);
        o.text("hostBindingIp", b::hostBindingIp);
        JsonNode dns = o.get("dns");
        if (dns != null) b.dns(dnsSpec("network " + name + ": dns", dns));
        return b.build();
    }

    // ---------------------------------------------------------------------------------------- containers

    public static ObjectNode toJson(ContainerSpec c) {
        ObjectNode o = F.objectNode();
        o.put("name", c.name());
        putText(o, "netns", c.netns());
        o.put("network", c.network().toString());
        if (c.handover() == null) o.put("ifname", c.ifname().toString()); // a handover container's is its runtime's
        o.put("hostname", c.hostname().toString());
        putText(o, "mac", c.mac());
        putText(o, "ip", c.ip());
        putText(o, "ip6", c.ip6());
        ArrayNode p = o.putArray("publish");
        c.publish().forEach(x -> p.add(x.toString()));
        // only when given, so a stored desired state of an older daemon reads back the same
        if (!c.addHosts().isEmpty()) texts(o.putArray("addHost"), c.addHosts());
        o.set("dns", toJson(c.dns()));
        if (!c.spoofCheck()) o.put("spoofCheck", false); // only when off: the stored format 1 stays as it was
        // the keys below only when they say something, so a document without them reads as it always did
        if (!c.aliases().isEmpty()) {
            ArrayNode a = o.putArray("aliases");
            c.aliases().forEach(x -> a.add(x.toString()));
        }
        boolean firstRoutes = c.network() instanceof org.nlbridge.spec.NetworkMode.Bridge;
        if (firstRoutes && !c.defaultRoute() && c.connects().stream().noneMatch(AttachmentSpec::defaultRoute)) {
            o.put("defaultRoute", false);
        }
        if (!c.connects().isEmpty()) {
            ArrayNode cs = o.putArray("connects");
            for (AttachmentSpec a : c.connects()) {
                ObjectNode x = cs.addObject();
                x.put("network", a.network());
                x.put("ifname", a.ifname().toString());
                putText(x, "ip", a.ip());
                putText(x, "ip6", a.ip6());
                putText(x, "mac", a.mac());
                ArrayNode xp = x.putArray("publish");
                a.publish().forEach(y -> xp.add(y.toString()));
                ArrayNode xa = x.putArray("aliases");
                a.aliases().forEach(y -> xa.add(y.toString()));
                x.put("defaultRoute", a.defaultRoute());
                if (!a.spoofCheck()) x.put("spoofCheck", false);
            }
        }
        if (!c.labels().isEmpty()) {
            ObjectNode l = o.putObject("labels");
            new java.util.TreeMap<>(c.labels()).forEach(l::put);
        }
        if (c.handover() != null) o.put("handover", c.handover().toString());
        return o;
    }

    private static void texts(ArrayNode into, List<?> values) {
        values.forEach(v -> into.add(v.toString()));
    }

    public static final List<String> CONTAINER_KEYS = List.of("name", "netns", "network", "hostname", "mac", "ip",
            "ip6", "ifname", "publish", "dns", "spoofCheck", "aliases", "addHost", "defaultRoute", "connects", "labels",
            "handover");

    static final List<String> CONNECT_KEYS = List.of("network", "ifname", "ip", "ip6", "mac", "publish", "aliases",
            "defaultRoute", "spoofCheck");

    /** The options of a {@code connect}: its keys without {@code network}. */
    public static final List<String> CONNECT_OPTIONS = CONNECT_KEYS.subList(1, CONNECT_KEYS.size());

    /** Reads a connect's options from {@code n} (its other keys are the caller's to check) into {@code a}. */
    public static void connectOptions(String what, JsonNode n, AttachmentSpec.Builder a) {
        Set<String> keys = new java.util.HashSet<>(CONNECT_KEYS);
        n.fieldNames().forEachRemaining(keys::add); // the caller checked them
        Obj c = new Obj(what, n, keys);
        c.text("ifname", a::ifname);
        c.text("ip", a::ip);
        c.text("ip6", a::ip6);
        c.text("mac", a::mac);
        for (JsonNode p : c.array("publish")) a.publish(text(what + " publish", p));
        for (JsonNode al : c.array("aliases")) a.alias(text(what + " aliases", al));
        c.bool("defaultRoute", a::defaultRoute);
        c.bool("spoofCheck", a::spoofCheck);
    }

    public static ContainerSpec containerSpec(JsonNode n) {
        String name = nameOf("container", n);
        ContainerSpec.Builder b = ContainerSpec.builder(name);
        Obj o = new Obj("container " + name, n, Set.copyOf(CONTAINER_KEYS));
        o.text("network", b::network);
        o.text("hostname", b::hostname);
        o.text("mac", b::mac);
        o.text("ip", b::ip);
        o.text("ip6", b::ip6);
        o.text("netns", b::netns);
        o.text("ifname", b::ifname);
        o.bool("spoofCheck", b::spoofCheck);
        o.text("handover", b::handover);
        for (JsonNode p : o.array("publish")) b.publish(text("container " + name + ": publish", p));
        for (JsonNode h : o.array("addHost")) b.addHost(text("container " + name + ": addHost", h));
        JsonNode dns = o.get("dns");
        if (dns != null) b.dns(dnsSpec("container " + name + ": dns", dns));
        for (JsonNode a : o.array("aliases")) b.alias(text("container " + name + ": aliases", a));
        o.bool("defaultRoute", b::defaultRoute);
        for (JsonNode x : o.array("connects")) {
            Obj c = new Obj("container " + name + ": connect", x, Set.copyOf(CONNECT_KEYS));
            String f = "container " + name + ": connect " + c.requiredText("network");
            b.connect(c.requiredText("network"), a -> connectOptions(f, x, a));
        }
        JsonNode labels = o.get("labels");
        if (labels != null) {
            if (!labels.isObject()) {
                throw new ValidationException("container " + name + ": labels", labels.toString(), "not a JSON object",
                        "{\"key\": \"value\", ...}");
            }
            for (var it = labels.fields(); it.hasNext(); ) {
                var e = it.next();
                b.label(e.getKey(), text("container " + name + ": label " + e.getKey(), e.getValue()));
            }
        }
        return b.build();
    }

    /** A port spec as {@code docker run -p} takes it, e.g. for publish/unpublish requests. */
    public static PortSpec portSpec(String field, JsonNode n) {
        return PortSpec.parse(field, text(field, n));
    }

    // ----------------------------------------------------------------------------------------------- dns

    public static ObjectNode toJson(DnsSpec d) {
        ObjectNode o = F.objectNode();
        ArrayNode ns = o.putArray("nameservers");
        d.nameservers().forEach(x -> ns.add(x.toString()));
        ArrayNode s = o.putArray("search");
        d.search().forEach(x -> s.add(x.toString()));
        ArrayNode opt = o.putArray("options");
        d.options().forEach(x -> opt.add(x.toString()));
        return o;
    }

    static DnsSpec dnsSpec(String what, JsonNode n) {
        Obj o = new Obj(what, n, Set.of("nameservers", "search", "options"));
        DnsSpec.Builder b = DnsSpec.builder();
        for (JsonNode x : o.array("nameservers")) named(what + ".nameservers", () -> b.nameserver(text(what + ".nameservers", x)));
        for (JsonNode x : o.array("search")) named(what + ".search", () -> b.search(text(what + ".search", x)));
        for (JsonNode x : o.array("options")) named(what + ".options", () -> b.option(text(what + ".options", x)));
        return b.build();
    }

    /**
     * Runs a builder's setter whose own message names its field alone ({@code dns}): the error names the object and
     * key of the document instead ({@code container web: dns.nameservers}), as every other key's does.
     */
    private static void named(String field, Runnable setter) {
        try {
            setter.run();
        } catch (ValidationException e) {
            if (e.field().startsWith(field)) throw e;
            throw new ValidationException(field, e.value(), e.reason(), e.accepted());
        }
    }

    // ---------------------------------------------------------------------------------------------- plan

    public static ObjectNode toJson(Change c) {
        ObjectNode o = F.objectNode();
        o.put("action", c.action().name().toLowerCase(Locale.ROOT));
        o.put("kind", c.kind());
        o.put("object", c.object());
        o.put("detail", c.detail());
        return o;
    }

    public static Change change(JsonNode n) {
        Obj o = new Obj("change", n, Set.of("action", "kind", "object", "detail"));
        String action = o.requiredText("action");
        Change.Action a;
        try {
            a = Change.Action.valueOf(action.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ValidationException("change: action", action, "unknown action", "create, update or delete");
        }
        String detail = o.optionalText("detail");
        return new Change(a, o.requiredText("kind"), o.requiredText("object"), detail);
    }

    public static ObjectNode toJson(Plan p) {
        ObjectNode o = F.objectNode();
        ArrayNode a = o.putArray("changes");
        p.changes().forEach(c -> a.add(toJson(c)));
        return o;
    }

    public static Plan plan(JsonNode n) {
        Obj o = new Obj("plan", n, Set.of("changes"));
        List<Change> out = new ArrayList<>();
        for (JsonNode c : o.array("changes")) out.add(change(c));
        return new Plan(out);
    }

    // -------------------------------------------------------------------------------------------- status

    /** The same document {@code nlbridge status -o json} prints. */
    public static JsonNode toJson(EngineStatus s) {
        return MAPPER.valueToTree(s);
    }

    public static EngineStatus status(JsonNode n) {
        try {
            return MAPPER.treeToValue(n, EngineStatus.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ValidationException("status", null, "not a status document: " + e.getMessage(), "an EngineStatus");
        }
    }

    public static JsonNode toJson(EngineStatus.NetworkStatus s) {
        return MAPPER.valueToTree(s);
    }

    public static JsonNode toJson(EngineStatus.ContainerStatus s) {
        return MAPPER.valueToTree(s);
    }

    // ------------------------------------------------------------------------------------------- runtime

    public static ObjectNode toJson(Engine.ContainerRuntime r) {
        ObjectNode o = F.objectNode();
        if (r.netns() == null) o.putNull("netns");
        else o.put("netns", r.netns());
        putText(o, "hostname", r.hostname());
        ArrayNode m = o.putArray("mounts");
        for (Mount x : r.mounts()) {
            ObjectNode mo = m.addObject();
            mo.put("destination", x.destination());
            mo.put("type", x.type());
            mo.put("source", x.source());
            ArrayNode opts = mo.putArray("options");
            x.options().forEach(opts::add);
        }
        return o;
    }

    public static Engine.ContainerRuntime runtime(JsonNode n) {
        Obj o = new Obj("runtime", n, Set.of("netns", "hostname", "mounts"));
        String netns = o.optionalText("netns");
        String host = o.optionalText("hostname");
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode x : o.array("mounts")) {
            Obj m = new Obj("runtime: mount", x, Set.of("destination", "type", "source", "options"));
            List<String> opts = new ArrayList<>();
            for (JsonNode s : m.array("options")) opts.add(text("runtime: mount options", s));
            mounts.add(new Mount(m.requiredText("destination"), m.requiredText("type"), m.requiredText("source"), opts));
        }
        return new Engine.ContainerRuntime(netns, host == null ? null : Hostname.parse("runtime: hostname", host),
                mounts);
    }

    // -------------------------------------------------------------------------------------------- errors

    /** The error body: Docker's shape, {@code {"message": "..."}}; the message is what the CLI prints. */
    public static ObjectNode error(String message) {
        ObjectNode o = F.objectNode();
        o.put("message", message);
        return o;
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** The {@code name} of a spec object, read first so that every later message can name the spec. */
    private static String nameOf(String what, JsonNode n) {
        if (n == null || !n.isObject()) new Obj(what, n, Set.of()); // throws: not an object
        JsonNode name = n.get("name");
        if (name == null || name.isNull()) throw new ValidationException(what + ": name", null, "missing", "a string");
        return text(what + ": name", name);
    }

    private static void putText(ObjectNode o, String key, Object value) {
        if (value == null) o.putNull(key);
        else o.put(key, value.toString());
    }

    static String text(String field, JsonNode n) {
        if (n == null || !n.isTextual()) {
            throw new ValidationException(field, n == null ? null : n.toString(), "not a JSON string",
                    "a string in double quotes");
        }
        return n.textValue();
    }
}
