package org.nlbridge.cni;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.spec.DnsSpec;

/**
 * ADD's success result (SPEC section 5) in the version asked for: {@code interfaces} (the host veth, then the
 * container's interface with its MAC, MTU and sandbox path), {@code ips} (address with prefix, gateway, index of the
 * container's interface; before 1.0.0 with {@code "version": "4"|"6"}), {@code routes} (the default routes when the
 * attachment carries them) and {@code dns} (the network's). With a {@code prevResult} (a plugin before ours in the
 * chain) ours is appended to it, every field of it passed through as it came.
 */
public final class CniResult {
    private CniResult() {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    public static ObjectNode of(CniVersion version, Attachment a, JsonNode prevResult) {
        ObjectNode o = prevResult != null ? prevResult.deepCopy() : F.objectNode();
        o.put("cniVersion", version.toString());
        ArrayNode ifs = array(o, "interfaces");
        ObjectNode host = ifs.addObject();
        host.put("name", a.hostVeth());
        if (a.hostMac() != null) host.put("mac", a.hostMac().toString());
        int index = ifs.size();
        ObjectNode ctr = ifs.addObject();
        ctr.put("name", a.ifname());
        ctr.put("mac", a.mac().toString());
        if (version.atLeast(CniVersion.V1_0_0)) ctr.put("mtu", a.mtu());
        ctr.put("sandbox", a.netns());
        ArrayNode ips = array(o, "ips");
        ip(ips, version, a.ipv4(), a.gateway4(), index);
        if (a.ipv6() != null) ip(ips, version, a.ipv6(), a.gateway6(), index);
        ArrayNode routes = array(o, "routes");
        if (a.defaultRoute()) {
            if (a.gateway4() != null) routes.addObject().put("dst", "0.0.0.0/0").put("gw", a.gateway4().toString());
            if (a.ipv6() != null && a.gateway6() != null) routes.addObject().put("dst", "::/0").put("gw", a.gateway6().toString());
        }
        JsonNode dns = o.get("dns");
        if (dns == null || dns.isNull() || dns.isEmpty()) {
            ObjectNode d = dns(a.dns());
            if (d.isEmpty()) o.remove("dns");
            else o.set("dns", d);
        }
        return o;
    }

    private static ArrayNode array(ObjectNode o, String key) {
        JsonNode n = o.get(key);
        if (n instanceof ArrayNode a) return a;
        return o.putArray(key);
    }

    private static void ip(ArrayNode ips, CniVersion version, Cidr address, IpAddress gateway, int index) {
        ObjectNode ip = ips.addObject();
        if (version.ipsHaveVersion()) ip.put("version", address.family() == IpAddress.AF_INET ? "4" : "6");
        ip.put("address", address.toString());
        if (gateway != null) ip.put("gateway", gateway.toString());
        ip.put("interface", index);
    }

    private static ObjectNode dns(DnsSpec d) {
        ObjectNode o = F.objectNode();
        if (!d.nameservers().isEmpty()) {
            ArrayNode a = o.putArray("nameservers");
            d.nameservers().forEach(x -> a.add(x.toString()));
        }
        if (!d.search().isEmpty()) {
            ArrayNode a = o.putArray("search");
            d.search().forEach(x -> a.add(x.toString()));
        }
        if (!d.options().isEmpty()) {
            ArrayNode a = o.putArray("options");
            d.options().forEach(x -> a.add(x.toString()));
        }
        return o;
    }

    /**
     * CHECK's comparison of a result (the runtime's {@code prevResult}) with the attachment: the container's
     * interface (name, sandbox) and its addresses must be there as ADD reported them. Its MAC is not compared: a
     * plugin later in the chain may change it (the reference {@code tuning} does). Returns what differs.
     */
    public static List<String> differences(JsonNode result, Attachment a) {
        List<String> out = new ArrayList<>();
        JsonNode ifs = result.get("interfaces");
        int index = -1;
        if (ifs != null && ifs.isArray()) {
            for (int i = 0; i < ifs.size(); i++) {
                JsonNode x = ifs.get(i);
                if (a.ifname().equals(text(x, "name")) && a.netns().equals(text(x, "sandbox"))) index = i;
            }
        }
        if (index < 0) {
            out.add("prevResult has no interface " + a.ifname() + " in " + a.netns());
            return out;
        }
        List<String> want = new ArrayList<>(List.of(a.ipv4().toString()));
        if (a.ipv6() != null) want.add(a.ipv6().toString());
        JsonNode ips = result.get("ips");
        List<String> have = new ArrayList<>();
        if (ips != null && ips.isArray()) {
            for (JsonNode ip : ips) {
                JsonNode i = ip.get("interface");
                if (i == null || i.asInt(-1) == index) have.add(text(ip, "address"));
            }
        }
        for (String w : want) {
            if (!have.contains(w)) out.add("interface " + a.ifname() + " has address " + w + ", prevResult lists " + have);
        }
        return out;
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n == null ? null : n.get(key);
        return v == null || !v.isTextual() ? null : v.textValue();
    }
}
