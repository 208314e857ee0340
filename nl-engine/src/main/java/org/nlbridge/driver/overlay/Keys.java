package org.nlbridge.driver.overlay;

/**
 * Where the overlay keeps its state in etcd, all under {@value #ROOT}:
 * <pre>
 * hosts/HOST                           {"host","name","underlay","ttl"}       under HOST's lease: the host is alive
 * vni/VNI                              NETWORK                                 the VNI is taken (no lease)
 * networks/NET/config                  the declaration (subnet, gateway, ...)  no lease: outlives every host
 * networks/NET/gen                     bumped by every join                    so that "last one out" is safe
 * networks/NET/members/HOST            {"host","name","underlay","ttl"}       under HOST's lease
 * networks/NET/ipam/ADDRESS            HOST/CONTAINER                          under HOST's lease (cluster IPAM)
 * networks/NET/endpoints/HOST/CONTAINER {"host","container","ip","mac","vtep"} under HOST's lease, written in the
 *                                                                              address claim's transaction
 * </pre>
 * Every host watches {@code networks/NET/} of each overlay network it has: endpoints drive its forwarding entries,
 * members its list of peers, the ipam keys its view of the taken addresses. A host whose lease expires loses its
 * keys at once, so its addresses and endpoints are withdrawn everywhere by the same watch.
 */
final class Keys {
    private Keys() {}

    static final String ROOT = "/nlbridge/v1/";

    static String host(String host) {
        return ROOT + "hosts/" + host;
    }

    static String hosts() {
        return ROOT + "hosts/";
    }

    static String vnis() {
        return ROOT + "vni/";
    }

    static String vni(int vni) {
        return vnis() + vni;
    }

    static String network(String net) {
        return ROOT + "networks/" + net + "/";
    }

    static String config(String net) {
        return network(net) + "config";
    }

    static String gen(String net) {
        return network(net) + "gen";
    }

    static String members(String net) {
        return network(net) + "members/";
    }

    static String member(String net, String host) {
        return members(net) + host;
    }

    static String ipam(String net) {
        return network(net) + "ipam/";
    }

    static String endpoints(String net) {
        return network(net) + "endpoints/";
    }

    static String endpointsOf(String net, String host) {
        return endpoints(net) + host + "/";
    }

    static String endpoint(String net, String host, String container) {
        return endpointsOf(net, host) + container;
    }

    /** The value of an address claim: who holds it. */
    static String holder(String host, String container) {
        return host + "/" + container;
    }

    /** What a key under {@code networks/NET/} is. */
    enum Kind { CONFIG, GEN, MEMBER, IPAM, ENDPOINT, OTHER }

    static Kind kind(String net, String key) {
        String p = network(net);
        if (!key.startsWith(p)) return Kind.OTHER;
        String rest = key.substring(p.length());
        if (rest.equals("config")) return Kind.CONFIG;
        if (rest.equals("gen")) return Kind.GEN;
        if (rest.startsWith("members/") && rest.indexOf('/', 8) < 0) return Kind.MEMBER;
        if (rest.startsWith("ipam/") && rest.indexOf('/', 5) < 0) return Kind.IPAM;
        if (rest.startsWith("endpoints/") && rest.chars().filter(c -> c == '/').count() == 2) return Kind.ENDPOINT;
        return Kind.OTHER;
    }

    /** The last path element of a key. */
    static String last(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
