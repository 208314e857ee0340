package org.nlbridge.rtnl;

import java.util.Objects;

import org.nlbridge.net.IfName;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.Mtu;

/**
 * A dummy link: {@code ip link add NAME [mtu M] [address MAC] [up] type dummy}. Needs the {@code dummy} driver; a
 * kernel without it refuses with {@code EOPNOTSUPP} and the extended ack "Unknown device type".
 */
public record DummySpec(IfName name, Mtu mtu, MacAddress mac, String alias, boolean up) implements LinkSpec {

    public DummySpec {
        Objects.requireNonNull(name, "name");
        if (alias != null) {
            Checks.alias("dummy.alias", alias);
        }
    }

    public static Builder builder(String name) {
        return new Builder(Checks.newName("dummy.name", name));
    }

    @Override
    public String kind() {
        return "dummy";
    }

    @Override
    public String toString() {
        return "dummy " + name;
    }

    public static final class Builder {
        private final IfName name;
        private Mtu mtu;
        private MacAddress mac;
        private String alias;
        private boolean up;

        private Builder(IfName name) {
            this.name = name;
        }

        public Builder mtu(int mtu) {
            this.mtu = Checks.mtu("dummy.mtu", mtu);
            return this;
        }

        public Builder mac(String mac) {
            this.mac = MacAddress.parseUnicast("dummy.mac", mac);
            return this;
        }

        public Builder alias(String alias) {
            this.alias = Checks.alias("dummy.alias", alias);
            return this;
        }

        public Builder up() {
            this.up = true;
            return this;
        }

        public DummySpec build() {
            return new DummySpec(name, mtu, mac, alias, up);
        }
    }
}
