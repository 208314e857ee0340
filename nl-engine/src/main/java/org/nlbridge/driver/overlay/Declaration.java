package org.nlbridge.driver.overlay;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.state.Network;

/**
 * An overlay network as a host declares it: what every host of the network must declare identically, kept once in
 * the cluster store ({@code networks/NET/config}) by the first host that creates it. The MTU and VNI count as declared
 * only when the spec gives them (a VNI left out takes the store's; an MTU left out is the underlay's minus 50 on each
 * host, so declare it where underlays differ).
 */
record Declaration(Cidr subnet, IpAddress gateway, Cidr fixedCidr, Integer vni, Integer mtu, boolean icc,
                   boolean internal, boolean ipMasq) {

    /** The declaration as the store has it, with the VNI it was given and the host that made it. */
    record Stored(Declaration declaration, int vni, String by, long createRevision) {}

    static Declaration of(NetworkSpec spec, Network n) {
        return new Declaration(n.ipv4().subnet(), n.ipv4().gateway(), n.ipv4().range(), spec.vni(),
                spec.mtu() == null ? null : spec.mtu().value(), spec.icc(), spec.internal(), spec.ipMasq());
    }

    String toJson(int chosenVni, String by) {
        ObjectNode o = Records.JSON.createObjectNode();
        o.put("driver", "overlay").put("subnet", subnet.toString()).put("gateway", gateway.toString());
        if (fixedCidr == null) o.putNull("fixedCidr");
        else o.put("fixedCidr", fixedCidr.toString());
        o.put("vni", chosenVni);
        if (mtu == null) o.putNull("mtu");
        else o.put("mtu", mtu.intValue());
        o.put("icc", icc).put("internal", internal).put("ipMasq", ipMasq).put("by", by);
        return o.toString();
    }

    static Stored parse(String key, String value, long createRevision) {
        JsonNode o = Records.tree(key, value);
        try {
            JsonNode fc = o.get("fixedCidr");
            JsonNode m = o.get("mtu");
            int vni = o.path("vni").asInt(0);
            if (vni < NetworkSpec.VNI_MIN || vni > NetworkSpec.VNI_MAX) throw new Records.BadRecord(key, "no valid vni");
            Declaration d = new Declaration(Cidr.parseSubnet("subnet", Records.text(key, o, "subnet")),
                    IpAddress.parse("gateway", Records.text(key, o, "gateway")),
                    fc == null || fc.isNull() ? null : Cidr.parseSubnet("fixedCidr", fc.asText()), vni,
                    m == null || m.isNull() ? null : m.asInt(), o.path("icc").asBoolean(true),
                    o.path("internal").asBoolean(false), o.path("ipMasq").asBoolean(true));
            return new Stored(d, vni, o.path("by").asText("?"), createRevision);
        } catch (ValidationException e) {
            throw new Records.BadRecord(key, e.getMessage());
        }
    }

    /**
     * Refuses a declaration that differs from the stored one, naming the first key that differs, its value here
     * and in the store.
     */
    void requireSameAs(String network, Stored stored) {
        Declaration s = stored.declaration();
        List<String[]> keys = new ArrayList<>();
        keys.add(new String[] {"subnet", str(subnet), str(s.subnet)});
        keys.add(new String[] {"gateway (bip)", str(gateway), str(s.gateway)});
        keys.add(new String[] {"fixedCidr", str(fixedCidr), str(s.fixedCidr)});
        if (vni != null) keys.add(new String[] {"vni", str(vni), Integer.toString(stored.vni())});
        keys.add(new String[] {"mtu", str(mtu), str(s.mtu)});
        keys.add(new String[] {"icc", str(icc), str(s.icc)});
        keys.add(new String[] {"internal", str(internal), str(s.internal)});
        keys.add(new String[] {"ipMasq", str(ipMasq), str(s.ipMasq)});
        for (String[] k : keys) {
            if (!Objects.equals(k[1], k[2])) {
                throw new ValidationException("network " + network + ": " + k[0], k[1], "differs from the network's"
                        + " declaration in the cluster store (" + k[0] + " " + k[2] + ", declared first by host "
                        + stored.by() + ")", "the same " + k[0] + " on every host that declares network " + network
                        + " (or another network name)");
            }
        }
    }

    private static String str(Object o) {
        return o == null ? "(not declared)" : o.toString();
    }
}
