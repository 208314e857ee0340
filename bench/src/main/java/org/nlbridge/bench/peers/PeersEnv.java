package org.nlbridge.bench.peers;

import java.util.Map;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.ValidationException;

/**
 * The harness's ENGINE_CMD contract ({@code /work/shared/peers/README.md}) as read from the environment, with its
 * defaults. Everything is validated through the engine's own strict types before anything touches the kernel.
 *
 * @param n          containers (attach) or published ports (firewall)
 * @param full       attach: also what the CNI and netavark peers do (masquerade, lo up, arp_notify, one published
 *                   port per container)
 * @param ipv6Off    attach: switch IPv6 off on each container's interface before it comes up (no link-local address,
 *                   so no DAD, MLD or router solicitation flooded to every bridge port)
 */
record PeersEnv(String scenario, int n, String hostNs, String ctPrefix, String fwNs, String bridge, Cidr subnet,
        Ipv4Address gateway, int prefixLength, String ifname, int portBase, int ctPort, boolean full, boolean ipv6Off) {

    static PeersEnv read(String scenario, Map<String, String> env) {
        int n = intOf(env, "PB_N", null);
        if (n < 0) throw new ValidationException("PB_N", Integer.toString(n), "negative", "a count >= 0");
        Cidr subnet = Cidr.parseSubnet("PB_SUBNET", get(env, "PB_SUBNET", "172.18.0.0/16"));
        IpAddress gw = IpAddress.parse("PB_GATEWAY", get(env, "PB_GATEWAY", "172.18.0.1"));
        if (!(gw instanceof Ipv4Address gw4)) {
            throw new ValidationException("PB_GATEWAY", gw.toString(), "not IPv4", "an IPv4 gateway");
        }
        int plen = intOf(env, "PB_PREFIXLEN", "16");
        boolean full = flag(env, "PB_ENGINE_FULL", false);
        boolean ipv6Off = !"keep".equals(get(env, "PB_ENGINE_IPV6", "off"));
        return new PeersEnv(scenario, n, get(env, "PB_HOST_NS", "pb-host"), get(env, "PB_CT_PREFIX", "pb-c-"),
                get(env, "PB_FW_NS", "pb-fw"), get(env, "PB_BRIDGE", "pb-br0"), subnet, gw4, plen,
                get(env, "PB_IFNAME", "eth0"), intOf(env, "PB_PORT_BASE", "10000"), intOf(env, "PB_CT_PORT", "80"),
                full, ipv6Off);
    }

    /** {@code ip_of(k) = PB_GATEWAY + k}: container {@code k} (1-based), firewall entry {@code k-1}. */
    Ipv4Address ipOf(int k) {
        return Ipv4Address.of(gateway.toInt() + k);
    }

    /** The gateway with its prefix, as it goes on the bridge. */
    Cidr gatewayCidr() {
        return Cidr.of(gateway, prefixLength);
    }

    String container(int i) {
        return ctPrefix + i;
    }

    private static String get(Map<String, String> env, String key, String dflt) {
        String v = env.get(key);
        if (v == null || v.isEmpty()) {
            if (dflt == null) throw new ValidationException(key, "", "not set", "set by the harness");
            return dflt;
        }
        return v;
    }

    private static int intOf(Map<String, String> env, String key, String dflt) {
        String v = get(env, key, dflt);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ValidationException(key, v, "not a number", "a decimal integer");
        }
    }

    private static boolean flag(Map<String, String> env, String key, boolean dflt) {
        String v = env.get(key);
        if (v == null || v.isEmpty()) return dflt;
        return v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes");
    }
}
