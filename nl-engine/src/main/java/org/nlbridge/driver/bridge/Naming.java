package org.nlbridge.driver.bridge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.nlbridge.net.IfName;
import org.nlbridge.spec.DnsSpec;

/** Names and markers the engine gives what it creates. */
final class Naming {
    private Naming() {}

    /** Prefix of the alias ({@code IFLA_IFALIAS}) on every link we create: how reconcile recognises ours. */
    static final String ALIAS_PREFIX = "nlbridge:";

    /**
     * The host end of a container's veth: {@code veth} + 7 hex digits, as Docker names them, but derived from
     * the network and container names instead of random, so {@code plan} can say exactly what {@code apply}
     * creates and a re-run finds the same link.
     */
    static IfName hostVeth(String network, String container) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((network + "/" + container).getBytes(StandardCharsets.UTF_8));
            return IfName.parseNew("veth", "veth" + HexFormat.of().formatHex(h).substring(0, 7));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // SHA-256 is in every JDK
        }
    }

    static String bridgeAlias(String network) {
        return ALIAS_PREFIX + "network:" + network;
    }

    static String vethAlias(String network, String container) {
        return ALIAS_PREFIX + "endpoint:" + network + "/" + container;
    }

    /** The firewall's endpoint id: unique per container and network. */
    static String endpointId(String network, String container) {
        return network + "." + container;
    }

    /** The container's DNS: each part it sets replaces the network's, as --dns* on docker run override dockerd's. */
    static DnsSpec mergeDns(DnsSpec network, DnsSpec container) {
        DnsSpec.Builder b = DnsSpec.builder();
        (container.nameservers().isEmpty() ? network.nameservers() : container.nameservers()).forEach(b::nameserver);
        (container.search().isEmpty() ? network.search() : container.search()).forEach(b::search);
        (container.options().isEmpty() ? network.options() : container.options()).forEach(b::option);
        return b.build();
    }
}
