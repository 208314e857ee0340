package org.nlbridge.rtnl;

import java.time.Duration;
import java.util.Objects;

import org.nlbridge.net.IfName;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.Mtu;
import org.nlbridge.net.ValidationException;

/**
 * A bridge: {@code ip link add NAME [mtu M] [address MAC] [up] type bridge [stp_state 0|1] [forward_delay CS]
 * [vlan_filtering 0|1] [mcast_snooping 0|1]}. Null options keep the kernel's defaults (STP off, forward delay 15 s,
 * VLAN filtering off, multicast snooping on).
 *
 * <pre>{@code
 * BridgeSpec br = BridgeSpec.builder("nlb0").mtu(1400).alias("nlbridge:net-1").forwardDelay(Duration.ZERO).up().build();
 * }</pre>
 */
public record BridgeSpec(IfName name, Mtu mtu, MacAddress mac, String alias, boolean up,
        Boolean stp, Duration forwardDelay, Boolean vlanFiltering, Boolean multicastSnooping) implements LinkSpec {

    /** With STP on, the kernel accepts forward delays of 2..30 s only ({@code BR_MIN/MAX_FORWARD_DELAY}). */
    static final Duration STP_MIN_DELAY = Duration.ofSeconds(2);
    static final Duration STP_MAX_DELAY = Duration.ofSeconds(30);

    public BridgeSpec {
        Objects.requireNonNull(name, "name");
        if (forwardDelay != null) {
            if (forwardDelay.isNegative() || forwardDelay.toMillis() / 10 > 0xffff_ffffL) {
                throw new ValidationException("bridge.forward_delay", forwardDelay.toString(), "out of range",
                        "a duration of 0 or more, in hundredths of a second");
            }
            if (Boolean.TRUE.equals(stp) && (forwardDelay.compareTo(STP_MIN_DELAY) < 0
                    || forwardDelay.compareTo(STP_MAX_DELAY) > 0)) {
                throw new ValidationException("bridge.forward_delay", forwardDelay.toString(),
                        "the kernel refuses it while STP is on", "2..30 seconds with STP on");
            }
        }
        if (alias != null) {
            Checks.alias("bridge.alias", alias);
        }
    }

    public static Builder builder(String name) {
        return new Builder(Checks.newName("bridge.name", name));
    }

    /** A bridge with the kernel's defaults, left down. */
    public static BridgeSpec named(String name) {
        return builder(name).build();
    }

    @Override
    public String kind() {
        return "bridge";
    }

    /** {@code forward_delay} in the kernel's unit, hundredths of a second ({@code clock_t}), or -1 if unset. */
    int forwardDelayCentis() {
        return forwardDelay == null ? -1 : (int) (forwardDelay.toMillis() / 10);
    }

    /** Names it in errors: {@code bridge br0}. */
    @Override
    public String toString() {
        return "bridge " + name;
    }

    public static final class Builder {
        private final IfName name;
        private Mtu mtu;
        private MacAddress mac;
        private String alias;
        private boolean up;
        private Boolean stp;
        private Duration forwardDelay;
        private Boolean vlanFiltering;
        private Boolean multicastSnooping;

        private Builder(IfName name) {
            this.name = name;
        }

        public Builder mtu(int mtu) {
            this.mtu = Checks.mtu("bridge.mtu", mtu);
            return this;
        }

        public Builder mtu(Mtu mtu) {
            this.mtu = mtu;
            return this;
        }

        public Builder mac(String mac) {
            this.mac = MacAddress.parseUnicast("bridge.mac", mac);
            return this;
        }

        public Builder mac(MacAddress mac) {
            this.mac = mac;
            return this;
        }

        /** Ownership marker or description ({@code IFLA_IFALIAS}). */
        public Builder alias(String alias) {
            this.alias = Checks.alias("bridge.alias", alias);
            return this;
        }

        /** Create it up ({@code ip link add ... up}). */
        public Builder up() {
            this.up = true;
            return this;
        }

        /** {@code stp_state}: spanning tree on or off (the kernel's default is off). */
        public Builder stp(boolean on) {
            this.stp = on;
            return this;
        }

        /** {@code forward_delay}: how long a new port listens and learns before forwarding; 0 forwards at once. */
        public Builder forwardDelay(Duration delay) {
            this.forwardDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /** {@code vlan_filtering} (needs {@code CONFIG_BRIDGE_VLAN_FILTERING}; {@code EOPNOTSUPP} without it). */
        public Builder vlanFiltering(boolean on) {
            this.vlanFiltering = on;
            return this;
        }

        /** {@code mcast_snooping}: IGMP/MLD snooping (on by default). */
        public Builder multicastSnooping(boolean on) {
            this.multicastSnooping = on;
            return this;
        }

        public BridgeSpec build() {
            return new BridgeSpec(name, mtu, mac, alias, up, stp, forwardDelay, vlanFiltering, multicastSnooping);
        }
    }
}
