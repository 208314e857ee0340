package org.nlbridge.state;

import java.util.Locale;

/** Who made a network's bridge, which decides whether removing the network may delete it. */
public enum BridgeOrigin {
    /** nlbridge created the bridge and deletes it with the network. */
    CREATED,
    /** The bridge was given with {@code -b}: it belongs to the host and is never deleted or reconfigured away. */
    GIVEN;

    /** The bridge goes away with the network only if nlbridge made it. */
    public boolean deletable() {
        return this == CREATED;
    }

    String column() {
        return name().toLowerCase(Locale.ROOT);
    }

    static BridgeOrigin ofColumn(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }
}
