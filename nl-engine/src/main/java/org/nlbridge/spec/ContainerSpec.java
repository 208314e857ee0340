package org.nlbridge.spec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.nlbridge.net.DnsName;
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
 * {@code --dns*}, the interface name inside, and the further networks it is connected to ({@code docker network
 * connect}). Immutable; every value is parsed by the strict types.
 *
 * @param netns        a name under /run/netns (created when missing), or the absolute path of a namespace a runtime
 *                     made ({@code /proc/PID/ns/net}, CNI's {@code CNI_NETNS}: must exist, never created or deleted)
 * @param hostname     null: the container's name
 * @param mac          null: random locally administered (or derived from the IPv4 with the network's macFromIp)
 * @param ip           null: allocated from the network's range
 * @param aliases      more names it answers to on its first network
 * @param defaultRoute whether its first network carries its default route (true unless a connect asks for it)
 * @param spoofCheck   anti-spoofing on its first network's bridge port (default true): it may send only from its
 *                     own MAC and addresses; false for a container that routes or bridges other addresses (a VPN, a
 *                     router). Each connect has its own.
 * @param addHosts     lines for its {@code /etc/hosts} (Docker's {@code --add-host})
 * @param connects     its other networks, each with its own interface ({@code eth1}, {@code eth2}, ...)
 * @param labels       what a runtime says about the container (a pod's namespace and name), shown by status
 * @param handover     null: the engine puts the container end of the veth into {@code netns} as {@code ifname} and
 *                     sets it up there (addresses, routes, files). Otherwise the container belongs to a runtime that
 *                     brings its own namespace: the container end stays in the engine's host namespace under this
 *                     name, with the MAC and the network's MTU, for the runtime to move and configure (Docker's
 *                     remote network drivers: the {@code SrcName} of a Join); the engine makes no namespace, files or
 *                     routes for it, and the host end, the firewall and the published ports are as for any
 *                     container. Such a container has one network (Docker makes an endpoint per network) and no
 *                     {@code netns} (null)
 */
public record ContainerSpec(String name, String netns, NetworkMode network, IfName ifname, Hostname hostname,
                            MacAddress mac, Ipv4Address ip, Ipv6Address ip6, List<PortSpec> publish, DnsSpec dns,
                            List<DnsName> aliases, boolean defaultRoute, boolean spoofCheck,
                            List<AttachmentSpec> connects, Map<String, String> labels, List<ExtraHost> addHosts,
                            IfName handover) {

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
        aliases = List.copyOf(aliases);
        connects = List.copyOf(connects);
        labels = Map.copyOf(labels);
        addHosts = List.copyOf(addHosts);
    }

    /** This container in another namespace ({@code /run/netns/NAME}, or a path a runtime gave). */
    public ContainerSpec withNetns(String netns) {
        return new ContainerSpec(name, NetNs.validRef("container " + name + ": netns", netns), network, ifname,
                hostname, mac, ip, ip6, publish, dns, aliases, defaultRoute, spoofCheck, connects, labels, addHosts,
                handover);
    }

    /** This container publishing other ports (Docker {@code -p}) on its first network. */
    public ContainerSpec withPublish(List<PortSpec> publish) {
        return new ContainerSpec(name, netns, network, ifname, hostname, mac, ip, ip6, publish, dns, aliases,
                defaultRoute, spoofCheck, connects, labels, addHosts, handover);
    }

    /** This container with another host name. */
    public ContainerSpec withHostname(Hostname hostname) {
        return new ContainerSpec(name, netns, network, ifname, hostname, mac, ip, ip6, publish, dns, aliases,
                defaultRoute, spoofCheck, connects, labels, addHosts, handover);
    }

    /** This container with other DNS settings. */
    public ContainerSpec withDns(DnsSpec dns) {
        return new ContainerSpec(name, netns, network, ifname, hostname, mac, ip, ip6, publish, dns, aliases,
                defaultRoute, spoofCheck, connects, labels, addHosts, handover);
    }

    /** Every network the container is on, its first network first (none for host, none and container:NAME). */
    public List<AttachmentSpec> attachments() {
        List<AttachmentSpec> out = new ArrayList<>(connects.size() + 1);
        if (network instanceof NetworkMode.Bridge b) {
            out.add(new AttachmentSpec(b.network(), ifname, ip, ip6, mac, publish, aliases, defaultRoute,
                    spoofCheck));
        }
        out.addAll(connects);
        return out;
    }

    /** Its attachment to {@code network}, if it is on it. */
    public java.util.Optional<AttachmentSpec> attachment(String network) {
        return attachments().stream().filter(a -> a.network().equals(network)).findFirst();
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder holding this spec, for edits (the settled interface names and default route stay as they are). */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.netns = netns;
        b.network = network;
        b.ifname = handover == null ? ifname : null; // a handed-over container's is its runtime's
        b.hostname = hostname;
        b.mac = mac;
        b.ip = ip;
        b.ip6 = ip6;
        b.publish.addAll(publish);
        b.dns = dns;
        b.aliases.addAll(aliases);
        b.spoofCheck = spoofCheck;
        b.addHosts.addAll(addHosts);
        boolean claimed = connects.stream().anyMatch(AttachmentSpec::defaultRoute);
        if (network instanceof NetworkMode.Bridge && !defaultRoute && !claimed) b.defaultRoute = false;
        for (AttachmentSpec a : connects) b.connects.add(AttachmentSpec.Builder.from(name, a));
        b.labels.putAll(labels);
        b.handover = handover;
        return b;
    }

    /**
     * This container connected to one more network (Docker's {@code docker network connect}).
     *
     * @throws ValidationException when it is on that network already, or the options clash with its others
     */
    public ContainerSpec withConnect(String network, Consumer<AttachmentSpec.Builder> configure) {
        return toBuilder().connect(network, configure).build();
    }

    /**
     * This container without its attachment to {@code network} (Docker's {@code docker network disconnect}). Its first
     * network going, the next one takes its place (with its own interface name and addresses); the last going leaves
     * it on network {@code none}, its namespace kept with {@code lo} up.
     */
    public ContainerSpec withoutNetwork(String network) {
        List<AttachmentSpec> rest = attachments().stream().filter(a -> !a.network().equals(network)).toList();
        if (rest.size() == attachments().size()) {
            throw new NotFoundException("container " + name + ": network", network, "not on that network",
                    "one of " + attachments().stream().map(AttachmentSpec::network).toList());
        }
        Builder b = new Builder(name);
        b.netns = netns;
        b.hostname = hostname;
        b.dns = dns;
        b.labels.putAll(labels);
        if (rest.isEmpty()) { // no gateway left for host-gateway
            addHosts.stream().filter(x -> !x.hostGateway()).forEach(b.addHosts::add);
            return b.network("none").build();
        }
        b.addHosts.addAll(addHosts);
        AttachmentSpec first = rest.getFirst();
        b.network = new NetworkMode.Bridge(first.network());
        b.ifname = first.ifname();
        b.ip = first.ip();
        b.ip6 = first.ip6();
        b.mac = first.mac();
        b.publish.addAll(first.publish());
        b.aliases.addAll(first.aliases());
        b.spoofCheck = first.spoofCheck();
        boolean anyRoute = attachments().stream().anyMatch(AttachmentSpec::defaultRoute);
        boolean routeLeft = rest.stream().anyMatch(AttachmentSpec::defaultRoute);
        // the default route moves to the new first network only if it left with the one removed
        if (!first.defaultRoute() && (routeLeft || !anyRoute)) b.defaultRoute = false;
        for (AttachmentSpec a : rest.subList(1, rest.size())) b.connects.add(AttachmentSpec.Builder.from(name, a));
        return b.build();
    }

    public static ContainerSpec of(String name, Consumer<Builder> configure) {
        Builder b = builder(name);
        configure.accept(b);
        return b.build();
    }

    /** Docker {@code --mac-address}: a unicast MAC, not all-zero. */
    static MacAddress unicastMac(String field, String text) {
        MacAddress m = MacAddress.parseUnicast(field, text);
        if (m.isZero()) throw new ValidationException(field, text, "the all-zero address", MacAddress.ACCEPTED_UNICAST);
        return m;
    }

    /** Label keys: Docker's and Kubernetes' spellings ({@code io.kubernetes.pod.name}). */
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,127}");
    public static final String ACCEPTED_LABEL = "a key of 1..128 characters from A-Z a-z 0-9 . _ / -, starting with a"
            + " letter or digit, and a value of at most 256 characters without control characters";

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
        private final List<DnsName> aliases = new ArrayList<>();
        private final List<ExtraHost> addHosts = new ArrayList<>();
        private Boolean defaultRoute;
        private boolean spoofCheck = true;
        private final List<AttachmentSpec.Builder> connects = new ArrayList<>();
        private final Map<String, String> labels = new TreeMap<>();
        private IfName handover;

        private Builder(String name) {
            this.name = SafeName.check("container", name);
        }

        private String f(String field) {
            return "container " + name + ": " + field;
        }

        /**
         * The namespace: a name under /run/netns (default: the container's name; created when missing), or the
         * absolute path of one a runtime made.
         */
        public Builder netns(String netns) {
            this.netns = NetNs.validRef(f("netns"), netns);
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
            this.mac = unicastMac(f("mac"), mac);
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

        /** Another name the container answers to on its first network (Docker {@code --network-alias}). */
        public Builder alias(String alias) {
            aliases.add(DnsName.parse(f("alias"), alias));
            return this;
        }

        /** Docker {@code --add-host NAME:IP} ({@code NAME:host-gateway}: the network's gateway); may repeat. */
        public Builder addHost(String entry) {
            addHosts.add(ExtraHost.parse(f("addHost"), entry));
            return this;
        }

        /** Whether the first network carries the default route (default: yes, unless a connect asks for it). */
        public Builder defaultRoute(boolean on) {
            this.defaultRoute = on;
            return this;
        }

        /** Docker {@code docker network connect NETWORK}: one more network, with its own interface. */
        public Builder connect(String network) {
            return connect(network, b -> { });
        }

        public Builder connect(String network, Consumer<AttachmentSpec.Builder> configure) {
            connects.add(AttachmentSpec.of(name, network, configure));
            return this;
        }

        /** What a runtime says about the container (e.g. {@code io.kubernetes.pod.name}); shown by status. */
        public Builder label(String key, String value) {
            if (key == null || !LABEL_KEY.matcher(key).matches()) {
                throw new ValidationException(f("label"), key, "not a label key", ACCEPTED_LABEL);
            }
            if (value == null || value.length() > 256 || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new ValidationException(f("label " + key), value, "not a label value", ACCEPTED_LABEL);
            }
            labels.put(key, value);
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
                if (!aliases.isEmpty()) throw notBridge("alias", aliases.getFirst().toString(), mode);
                if (defaultRoute != null) throw notBridge("defaultRoute", defaultRoute.toString(), mode);
                if (!spoofCheck) throw notBridge("spoofCheck", "false", mode);
                for (ExtraHost x : addHosts) {
                    if (x.hostGateway()) {
                        throw new ValidationException(f("addHost"), x.toString(), "host-gateway is the gateway of the"
                                + " container's bridge network, and network " + mode + " has none",
                                "an IP address, or a container on a bridge network");
                    }
                }
                if (!connects.isEmpty()) throw notBridge("connect", connects.getFirst().network(), mode);
            }
            if (mode instanceof NetworkMode.Container && !addHosts.isEmpty()) {
                throw new ValidationException(f("addHost"), addHosts.getFirst().toString(), "a container sharing"
                        + " another's namespace shares its /etc/hosts too (Docker refuses it as well)",
                        "addHost on container " + ((NetworkMode.Container) mode).container());
            }
            Hostname h = hostname != null ? hostname : Hostname.parse(f("hostname"), name);
            IfName first = ifname != null ? ifname : IfName.parseNew(f("ifname"), DEFAULT_IFNAME);
            List<AttachmentSpec> made = connects(mode, first);
            if (handover != null && !made.isEmpty()) {
                throw new ValidationException(f("connect"), made.getFirst().network(), "a container handed over to a"
                        + " runtime has one network", "a container of its own per network (as Docker's endpoints)");
            }
            return new ContainerSpec(name, handover != null ? null : netns != null ? netns : name, mode, first, h, mac,
                    ip, ip6, publish, dns,
                    aliases, defaultRoute != null ? defaultRoute : made.stream().noneMatch(AttachmentSpec::defaultRoute),
                    spoofCheck, made, labels, addHosts, handover);
        }

        /**
         * The connects with their interface names (the lowest free {@code ethN}, N from 1, unless given) and default
         * routes settled; a network twice, an interface name twice, or two default routes are refused.
         */
        private List<AttachmentSpec> connects(NetworkMode mode, IfName first) {
            Set<String> networks = new HashSet<>();
            if (mode instanceof NetworkMode.Bridge b) networks.add(b.network());
            Set<String> names = new HashSet<>(List.of(first.toString()));
            for (AttachmentSpec.Builder c : connects) {
                if (!networks.add(c.network())) {
                    throw new ValidationException(f("connect"), c.network(), "already on that network",
                            "each network once (its first network is " + mode + ")");
                }
                if (c.ifnameAsked() != null && !names.add(c.ifnameAsked().toString())) {
                    throw new ValidationException(f("connect " + c.network() + " ifname"), c.ifnameAsked().toString(),
                            "another of its interfaces has that name", "an interface name of its own");
                }
            }
            long routes = connects.stream().filter(c -> Boolean.TRUE.equals(c.defaultRouteAsked())).count()
                    + (Boolean.TRUE.equals(defaultRoute) ? 1 : 0);
            if (routes > 1) {
                throw new ValidationException(f("defaultRoute"), "true", "asked for by " + routes + " of its networks",
                        "defaultRoute true on one network at most (the first network has it unless another asks)");
            }
            List<AttachmentSpec> out = new ArrayList<>();
            int next = 1;
            for (AttachmentSpec.Builder c : connects) {
                IfName n = c.ifnameAsked();
                if (n == null) {
                    while (names.contains("eth" + next)) next++;
                    n = IfName.parseNew(f("connect " + c.network() + " ifname"), "eth" + next);
                    names.add(n.toString());
                }
                out.add(c.build(n, Boolean.TRUE.equals(c.defaultRouteAsked())));
            }
            return out;
        }

        private ValidationException notBridge(String field, String value, NetworkMode mode) {
            return new ValidationException(f(field), value, "only a container on a bridge network has its own "
                    + field + " (this one uses network " + mode + ")", "no " + field + " with network " + mode);
        }
    }

    /** All addresses the container is given explicitly (for messages and checks). */
    public List<IpAddress> staticAddresses() {
        List<IpAddress> out = new ArrayList<>(2);
        for (AttachmentSpec a : attachments()) {
            if (a.ip() != null) out.add(a.ip());
            if (a.ip6() != null) out.add(a.ip6());
        }
        return out;
    }
}
