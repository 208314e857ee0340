package org.nlbridge.driver.bridge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.nlbridge.driver.NetworkDriver;
import org.nlbridge.net.IfName;

/** Names and markers the bridge driver gives what it creates. */
final class Naming {
    private Naming() {}

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
        return NetworkDriver.ALIAS_PREFIX + "network:" + network;
    }

    static String vethAlias(String network, String container) {
        return NetworkDriver.ALIAS_PREFIX + "endpoint:" + network + "/" + container;
    }
}
