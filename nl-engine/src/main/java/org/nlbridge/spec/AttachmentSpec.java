package org.nlbridge.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.nlbridge.net.DnsName;
import org.nlbridge.net.IfName;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.PortSpec;
import org.nlbridge.net.SafeName;
import org.nlbridge.net.ValidationException;

/**
 * One network a container is on: its own veth, interface name inside the container, address(es), MAC, published
 * ports and aliases. A container's first attachment is its {@code network} and the keys beside it; every other is a
 * {@code connect} (Docker's {@code docker network connect}, and a runtime's second CNI network). Immutable; values
 * are parsed by the strict types.
 *
 * @param ifname       the interface inside the container ({@code eth0} for the first attachment, then {@code eth1},
 *                     {@code eth2}, ... by default)
 * @param ip           null: allocated from the network's range
 * @param mac          null: random (or from the IPv4 with the network's {@code macFromIp})
 * @param aliases      more names the container answers to on this network (Docker's {@code --network-alias}),
 *                     kept with the attachment for name resolution
 * @param defaultRoute whether the container's default route goes through this network's gateway; at most one
 *                     attachment of a container has it (the first, unless another asks for it)
 * @param spoofCheck   anti-spoofing on this attachment's bridge port (default true): it may send only from this
 *                     attachment's MAC and addresses
 */
public record AttachmentSpec(String network, IfName ifname, Ipv4Address ip, Ipv6Address ip6, MacAddress mac,
                             List<PortSpec> publish, List<DnsName> aliases, boolean defaultRoute, boolean spoofCheck) {

    public AttachmentSpec {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(ifname, "ifname");
        publish = List.copyOf(publish);
        aliases = List.copyOf(aliases);
    }

    /**
     * A {@code connect} of container {@code container} to {@code network}, configured by {@code configure}: what
     * the builder does not set takes its default when the container is built ({@code ifname} by position).
     */
    public static Builder builder(String container, String network) {
        return new Builder(container, network);
    }

    public static Builder of(String container, String network, Consumer<Builder> configure) {
        Builder b = builder(container, network);
        configure.accept(b);
        return b;
    }

    /** Collects one {@code connect}'s options; each setter validates at once, naming the field. */
    public static final class Builder {
        private final String container;
        private final String network;
        private IfName ifname;
        private Ipv4Address ip;
        private Ipv6Address ip6;
        private MacAddress mac;
        private final List<PortSpec> publish = new ArrayList<>();
        private final List<DnsName> aliases = new ArrayList<>();
        private Boolean defaultRoute;
        private boolean spoofCheck = true;

        private Builder(String container, String network) {
            this.container = container;
            if (network == null || network.equals("host") || network.equals("none") || network.startsWith("container:")
                    || !SafeName.isValid(network)) {
                throw new ValidationException(f("connect"), network, network == null || SafeName.isValid(network)
                        || network.startsWith("container:") ? "not a bridge network" : "not a usable network name",
                        "the name of a network of the script (not host, none or container:<name>)");
            }
            this.network = network.equals("default") ? "bridge" : network;
        }

        /** A builder holding {@code a} as it is (its interface name and default route included). */
        static Builder from(String container, AttachmentSpec a) {
            Builder b = new Builder(container, a.network());
            b.ifname = a.ifname();
            b.ip = a.ip();
            b.ip6 = a.ip6();
            b.mac = a.mac();
            b.publish.addAll(a.publish());
            b.aliases.addAll(a.aliases());
            if (a.defaultRoute()) b.defaultRoute = true;
            b.spoofCheck = a.spoofCheck();
            return b;
        }

        private String f(String field) {
            return "container " + container + ": " + field;
        }

        private String c(String option) {
            return f("connect " + network + " " + option);
        }

        public String network() {
            return network;
        }

        public Builder ifname(String ifname) {
            this.ifname = IfName.parseNew(c("ifname"), ifname);
            return this;
        }

        public Builder ip(String ip) {
            this.ip = Ipv4Address.parse(c("ip"), ip);
            return this;
        }

        public Builder ip6(String ip6) {
            this.ip6 = Ipv6Address.parse(c("ip6"), ip6);
            return this;
        }

        public Builder mac(String mac) {
            this.mac = ContainerSpec.unicastMac(c("mac"), mac);
            return this;
        }

        public Builder publish(String spec) {
            publish.add(PortSpec.parse(c("publish"), spec));
            return this;
        }

        public Builder alias(String name) {
            aliases.add(DnsName.parse(c("alias"), name));
            return this;
        }

        public Builder defaultRoute(boolean on) {
            this.defaultRoute = on;
            return this;
        }

        /** Anti-spoofing on this attachment's port (default true); false for a container routing other addresses. */
        public Builder spoofCheck(boolean on) {
            this.spoofCheck = on;
            return this;
        }

        Boolean defaultRouteAsked() {
            return defaultRoute;
        }

        IfName ifnameAsked() {
            return ifname;
        }

        /** The attachment, with the interface name and default route its container settled on. */
        AttachmentSpec build(IfName name, boolean route) {
            return new AttachmentSpec(network, name, ip, ip6, mac, publish, aliases, route, spoofCheck);
        }
    }

    /** The ports, one mapping per port. */
    public List<org.nlbridge.net.PortMapping> mappings() {
        List<org.nlbridge.net.PortMapping> out = new ArrayList<>();
        for (PortSpec p : publish) out.addAll(p.mappings());
        return out;
    }
}
