package org.nlbridge.driver.overlay;

import org.nlbridge.driver.NetworkDriver;
import org.nlbridge.spec.NetworkSpec;

/** Names and markers of what the overlay driver creates on a host (the same on every host for one network). */
final class Naming {
    private Naming() {}

    /** The VXLAN device of a network: {@code vx-} + the 12 hex digits of its default bridge name. */
    static String vxlan(String network) {
        return "vx-" + NetworkSpec.defaultBridge(network).toString().substring(3);
    }

    static String vxlanAlias(String network) {
        return NetworkDriver.ALIAS_PREFIX + "vxlan:" + network;
    }
}
