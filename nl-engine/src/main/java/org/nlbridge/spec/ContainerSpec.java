package org.nlbridge.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.nlbridge.net.Hostname;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.PortSpec;
import org.nlbridge.net.SafeName;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netns.NetNs;

/**
 * One container's networking, as {@code docker run} options describe it: the namespace it lives in,
 * {@code --network}, {@code -h}, {@code --mac-address}, {@code --ip}, {@code --ip6}, {@code -p},
 * {@code --dns*}, and the interface name inside. Immutable; every value is parsed by the strict types.
 *
 * @param netns    the named namespace under /run/netns (created when missing); null for a {@code handover} container
 * @param hostname null: the container's name
 * @param mac      null: random locally administered (or derived from the IPv4 with the network's macFromIp)
 * @param ip       null: allocated from the network's range
 * @param spoofCheck anti-spoofing on its bridge port (default true): it may send only from its own MAC and
 *                 addresses; false for a container that routes or bridges other addresses (a VPN, a router)
 * @param handover null: the engine puts the container end of the veth into {@code netns} as {@code ifname} and
 *                 sets it up there (addresses, routes, files). Otherwise the container belongs to a runtime that
 *                 brings its own namespace: the container end stays in the engine's host namespace under this name,
 *                 with the MAC and the network's MTU, for the runtime to move and configure (Docker's remote network
 *                 drivers: the {@code SrcName} of a Join); the engine makes no namespace, files or routes for it,
 *                 and the host end, the firewall and the published ports are as for any container
 */
public record ContainerSpec(String name, String netns, NetworkMode network, IfName ifname, Hostname hostname,
                            MacAddress mac, Ipv4Address ip, Ipv6Address ip6, List<PortSpec> publish, DnsSpec dns,
                            boolean spoofCheck, IfName handover) {

    public static final String DEFAULT_IFNAME = "eth0";

    public ContainerSpec {
        Objects.requireNonNull(name, "name");
        if (handover == null) Objects.requireNonNull(netns, "netns");
        else if (netns != null) throw new IllegalArgumentException("a handover container has no netns");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(ifname, "ifname");
        Objects.requireNonNull(hostname, "hostname");
        publish = List.copyOf(publish);
        Objects.requireNonNull(dns, "dns");
    }

    /** This container in another namespace ({@code /run/netns/NAME}). */
    public ContainerSpec withNetns(String netns) {
        return new ContainerSpec(name, NetNs.validName("container " + name + ": netns", netns), network, ifname,
                hostname, mac, ip, ip6, publish, dns, spoofCheck, handover);
    }

    /** This container publishing other ports (Docker {@code -p}). */
    public ContainerSpec withPublish(List<PortSpec> publish) {
        return new ContainerSpec(name, netns, network, ifname, hostname, mac, ip, ip6, publish, dns, spoofCheck, handover);
    }

    /** This container with another host name. */
    public ContainerSpec withHostname(Hostname hostname) {
        return new ContainerSpec(name, netns, network, ifname, hostname, mac, ip, ip6, publish, dns, spoofCheck, handover);
    }

    /** This container with other DNS settings. */
    public ContainerSpec withDns(DnsSpec dns) {
        return new ContainerSpec(name, netns, network, ifname, hostname, mac, ip, ip6, publish, dns, spoofCheck, handover);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public static ContainerSpec of(String name, Consumer<Builder> configure) {
        Builder b = builder(name);
        configure.accept(b);
        return b.build();
    }

    /** Collects a container's settings; each setter parses and validates at once, naming the field. */
    public static final class Builder {
        private final String name;
        private String netns;
        private NetworkMode network;
        private IfName ifname;
        private Hostname hostname;
        private MacAddress mac;
        private Ipv4Address ip;
        private Ipv6Address ip6;
        private final List<PortSpec> publish = new ArrayList<>();
        private DnsSpec dns = DnsSpec.HOST;
        private boolean spoofCheck = true;
        private IfName handover;

        private Builder(String name) {
            this.name = SafeName.check("container", name);
        }

        private String f(String field) {
            return "container " + name + ": " + field;
        }

        /** The named network namespace ({@code /run/netns/NAME}); default: the container's name. */
        public Builder netns(String netns) {
            this.netns = NetNs.validName(f("netns"), netns);
            return this;
        }

        /** A bridge network's name, {@code host}, {@code none} or {@code container:<name>}; default {@code bridge}. */
        public Builder network(String mode) {
            network = NetworkMode.parse(f("network"), mode);
            return this;
        }

        /** The interface name inside the container (default {@value #DEFAULT_IFNAME}). */
        public Builder ifname(String ifname) {
            this.ifname = IfName.parseNew(f("ifname"), ifname);
            return this;
        }

        public Builder hostname(String hostname) {
            this.hostname = Hostname.parse(f("hostname"), hostname);
            return this;
        }

        /** Docker {@code --mac-address}: a unicast MAC, not all-zero. */
        public Builder mac(String mac) {
            this.mac = MacAddress.parseUnicast(f("mac"), mac);
            if (this.mac.isZero()) {
                throw new ValidationException(f("mac"), mac, "the all-zero address", MacAddress.ACCEPTED_UNICAST);
            }
            return this;
        }

        /** Docker {@code --ip}: a static IPv4 address inside the network's allocatable range. */
        public Builder ip(String ip) {
            this.ip = Ipv4Address.parse(f("ip"), ip);
            return this;
        }

        /** Docker {@code --ip6}: a static IPv6 address inside the network's IPv6 subnet. */
        public Builder ip6(String ip6) {
            this.ip6 = Ipv6Address.parse(f("ip6"), ip6);
            return this;
        }

        /** Docker {@code -p}: {@code [hostIp:]hostPort[-end]:containerPort[-end][/tcp|udp]}; may repeat. */
        public Builder publish(String spec) {
            publish.add(PortSpec.parse(f("publish"), spec));
            return this;
        }

        /**
         * Anti-spoofing on the container's bridge port (default on): false lets it send from other MACs and
         * addresses, for a container that routes or bridges them (nlbridge's own key; Docker has no such check).
         */
        public Builder spoofCheck(boolean on) {
            this.spoofCheck = on;
            return this;
        }

        public Builder dns(DnsSpec dns) {
            this.dns = Objects.requireNonNull(dns, "dns");
            return this;
        }

        public Builder dns(Consumer<DnsSpec.Builder> configure) {
            return dns(DnsSpec.of(configure));
        }

        /**
         * The container end of the veth stays in the host namespace under this name for a runtime to take (see
         * {@link ContainerSpec#handover()}); excludes {@code netns} and {@code ifname}, needs a bridge network.
         */
        public Builder handover(String ifname) {
            this.handover = IfName.parseNew(f("handover"), ifname);
            return this;
        }

        public ContainerSpec build() {
            NetworkMode mode = network != null ? network : new NetworkMode.Bridge("bridge");
            if (handover != null) {
                if (!(mode instanceof NetworkMode.Bridge)) throw notBridge("handover", handover.toString(), mode);
                if (netns != null || ifname != null) {
                    throw new ValidationException(f(netns != null ? "netns" : "ifname"), netns != null ? netns : ifname.toString(),
                            "a handover container lives in its runtime's namespace, named by the runtime",
                            "no netns or ifname with handover");
                }
            }
            if (!(mode instanceof NetworkMode.Bridge)) {
                if (ip != null || ip6 != null) throw notBridge("ip", String.valueOf(ip != null ? ip : ip6), mode);
                if (mac != null) throw notBridge("mac", mac.toString(), mode);
                if (!publish.isEmpty()) throw notBridge("publish", publish.getFirst().toString(), mode);
                if (!spoofCheck) throw notBridge("spoofCheck", "false", mode);
            }
            Hostname h = hostname != null ? hostname : Hostname.parse(f("hostname"), name);
            return new ContainerSpec(name, handover != null ? null : netns != null ? netns : name, mode,
                    ifname != null ? ifname : IfName.parseNew(f("ifname"), DEFAULT_IFNAME), h, mac, ip, ip6,
                    publish, dns, spoofCheck, handover);
        }

        private ValidationException notBridge(String field, String value, NetworkMode mode) {
            return new ValidationException(f(field), value, "only a container on a bridge network has its own "
                    + field + " (this one uses network " + mode + ")", "no " + field + " with network " + mode);
        }
    }

    /** All addresses the container is given explicitly (for messages and checks). */
    public List<IpAddress> staticAddresses() {
        List<IpAddress> out = new ArrayList<>(2);
        if (ip != null) out.add(ip);
        if (ip6 != null) out.add(ip6);
        return out;
    }
}
