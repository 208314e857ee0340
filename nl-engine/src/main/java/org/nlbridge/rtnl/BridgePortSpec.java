package org.nlbridge.rtnl;

import java.util.ArrayList;
import java.util.List;

import org.nlbridge.net.ValidationException;

/**
 * Settings of a bridge port: {@code ip link set PORT type bridge_slave [hairpin on|off] [isolated on|off]
 * [learning on|off] [flood on|off] [mcast_flood on|off] [bcast_flood on|off]}. Null settings are left as they are;
 * at least one must be given. Sent with {@link LinkRequests#setBridgePort}, directly or in a batch.
 *
 * <pre>{@code
 * rtnl.links().setBridgePort("veth1234567", BridgePortSpec.builder().hairpin(true).build());
 * }</pre>
 *
 * @param hairpin        send frames back out of the port they came in on ({@code IFLA_BRPORT_MODE}): what a
 *                       container reaching itself through a DNATed published port needs
 * @param isolated       forward nothing to other isolated ports ({@code IFLA_BRPORT_ISOLATED})
 * @param learning       learn source MACs on this port ({@code IFLA_BRPORT_LEARNING})
 * @param unicastFlood   flood unknown unicast to this port ({@code IFLA_BRPORT_UNICAST_FLOOD})
 * @param multicastFlood flood unknown multicast to this port ({@code IFLA_BRPORT_MCAST_FLOOD})
 * @param broadcastFlood flood broadcast to this port ({@code IFLA_BRPORT_BCAST_FLOOD})
 */
public record BridgePortSpec(Boolean hairpin, Boolean isolated, Boolean learning, Boolean unicastFlood,
                             Boolean multicastFlood, Boolean broadcastFlood) {

    /** Hairpin on, nothing else changed: what the bridge driver sets on every container's port. */
    public static final BridgePortSpec HAIRPIN = builder().hairpin(true).build();

    public BridgePortSpec {
        if (hairpin == null && isolated == null && learning == null && unicastFlood == null && multicastFlood == null
                && broadcastFlood == null) {
            throw new ValidationException("bridge port", "", "no setting given",
                    "one or more of hairpin, isolated, learning, unicastFlood, multicastFlood, broadcastFlood");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code hairpin on isolated off}: the settings given, in {@code ip link} words. */
    @Override
    public String toString() {
        List<String> out = new ArrayList<>(6);
        word(out, "hairpin", hairpin);
        word(out, "isolated", isolated);
        word(out, "learning", learning);
        word(out, "flood", unicastFlood);
        word(out, "mcast_flood", multicastFlood);
        word(out, "bcast_flood", broadcastFlood);
        return String.join(" ", out);
    }

    private static void word(List<String> out, String name, Boolean value) {
        if (value != null) out.add(name + (value ? " on" : " off"));
    }

    public static final class Builder {
        private Boolean hairpin;
        private Boolean isolated;
        private Boolean learning;
        private Boolean unicastFlood;
        private Boolean multicastFlood;
        private Boolean broadcastFlood;

        private Builder() {}

        public Builder hairpin(boolean on) {
            hairpin = on;
            return this;
        }

        public Builder isolated(boolean on) {
            isolated = on;
            return this;
        }

        public Builder learning(boolean on) {
            learning = on;
            return this;
        }

        public Builder unicastFlood(boolean on) {
            unicastFlood = on;
            return this;
        }

        public Builder multicastFlood(boolean on) {
            multicastFlood = on;
            return this;
        }

        public Builder broadcastFlood(boolean on) {
            broadcastFlood = on;
            return this;
        }

        public BridgePortSpec build() {
            return new BridgePortSpec(hairpin, isolated, learning, unicastFlood, multicastFlood, broadcastFlood);
        }
    }
}
