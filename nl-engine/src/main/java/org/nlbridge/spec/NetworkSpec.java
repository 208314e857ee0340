package org.nlbridge.spec;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Mtu;
import org.nlbridge.net.SafeName;
import org.nlbridge.net.ValidationException;

/**
 * A bridge network as Docker's daemon options describe {@code docker0}: the bridge ({@code -b} to use an
 * existing one), {@code --bip}, {@code --fixed-cidr}, {@code --fixed-cidr-v6}, {@code --mtu}, {@code --icc},
 * {@code --ip-masq}, {@code --ip-forward}, {@code --internal}, {@code --iptables=false}, and the network driver that
 * makes it ({@code bridge} unless the spec says otherwise, Docker's {@code --driver}). Immutable; built through
 * {@link #builder(String)} or {@link #of(String, Consumer)}, where every value is parsed by the strict types, so a
 * spec that exists is well-formed field by field. Rules that involve several fields or other networks (fixed-cidr
 * inside the subnet, overlaps) are checked by the driver before it touches the kernel.
 *
 * @param name        the network's name (a key in the state store)
 * @param driver      the network driver's name, a lower-case word ({@value #DEFAULT_DRIVER} by default); the engine
 *                    refuses a name its driver registry does not know
 * @param bridge      the bridge interface
 * @param existing    true for Docker's {@code -b}: the bridge must exist, is never created, changed or deleted
 * @param bip         gateway address and prefix on the bridge ({@code --bip}); null with {@code -b} means "take it
 *                    from the bridge"
 * @param fixedCidr   allocate IPv4 addresses only inside this range (null: the whole subnet)
 * @param fixedCidrV6 the IPv6 subnet (null: IPv4 only; the container's IPv6 is then disabled)
 * @param mtu         null: the MTU of the host's default-route interface
 * @param dns         the network's DNS defaults for its containers (Docker's daemon {@code --dns*})
 * @param gatewayMode   what the gateway does for IPv4 (Docker's {@code gateway_mode_ipv4}), {@code nat} by default
 * @param gatewayModeV6 the same for IPv6 ({@code gateway_mode_ipv6}), {@code gatewayMode}'s by default
 * @param vni         the VXLAN network identifier of an {@code overlay} network (null: the cluster store picks one)
 * @param hostBindingIp the host address a port published without one is bound to (Docker's {@code dockerd --ip},
 *                    {@code com.docker.network.bridge.host_binding_ipv4}); null: every address
 */
public record NetworkSpec(String name, String driver, IfName bridge, boolean existing, Cidr bip, Cidr fixedCidr, Cidr fixedCidrV6,
                          Mtu mtu, boolean icc, boolean ipMasq, boolean ipForward, boolean internal,
                          FirewallBackend firewall, boolean macFromIp, DnsSpec dns, Integer vni,
                          GatewayMode gatewayMode, GatewayMode gatewayModeV6, IpAddress hostBindingIp) {

    /** The driver of a network whose spec names none: Docker's bridge driver. */
    public static final String DEFAULT_DRIVER = "bridge";
    /** What a driver name looks like (the registry decides which names exist). */
    public static final String DRIVER_NAMES = "a driver name: a lower-case letter, then up to 31 lower-case letters,"
            + " digits or -";
    private static final Pattern DRIVER = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    /** Docker's default bridge and address. */
    public static final String DEFAULT_BRIDGE = "docker0";
    public static final String DEFAULT_BIP = "172.17.0.1/16";
    /** VXLAN network identifiers a spec may give (24 bits; Docker's overlay hands out 4096 and up). */
    public static final int VNI_MIN = 1;
    public static final int VNI_MAX = 16_777_215;

    public NetworkSpec {
        Objects.requireNonNull(name, "name");
        checkDriver("network " + name + ": driver", driver);
        Objects.requireNonNull(bridge, "bridge");
        Objects.requireNonNull(firewall, "firewall");
        Objects.requireNonNull(dns, "dns");
        if (!existing) Objects.requireNonNull(bip, "bip");
        Objects.requireNonNull(gatewayMode, "gatewayMode");
        Objects.requireNonNull(gatewayModeV6, "gatewayModeV6");
        if (vni != null && (vni < VNI_MIN || vni > VNI_MAX)) {
            throw new ValidationException("network " + name + ": vni", vni.toString(), "outside " + VNI_MIN + ".." + VNI_MAX,
                    "a VXLAN network identifier " + VNI_MIN + ".." + VNI_MAX + " (24 bits)");
        }
    }

    /** The IPv4 subnet, from the bip with the host bits cleared (null for a {@code -b} bridge not yet read). */
    public Cidr subnet() {
        return bip == null ? null : bip.subnet();
    }

    /** Checks that {@code driver} looks like a driver name; returns it. */
    public static String checkDriver(String field, String driver) {
        if (driver == null || !DRIVER.matcher(driver).matches()) {
            throw new ValidationException(field, driver, "not a driver name", DRIVER_NAMES);
        }
        return driver;
    }

    /** This network made by another driver. */
    public NetworkSpec withDriver(String driver) {
        return new NetworkSpec(name, driver, bridge, existing, bip, fixedCidr, fixedCidrV6, mtu, icc, ipMasq, ipForward,
                internal, firewall, macFromIp, dns, vni, gatewayMode, gatewayModeV6, hostBindingIp);
    }

    /** This network with other DNS defaults for its containers. */
    public NetworkSpec withDns(DnsSpec dns) {
        return new NetworkSpec(name, driver, bridge, existing, bip, fixedCidr, fixedCidrV6, mtu, icc, ipMasq, ipForward,
                internal, firewall, macFromIp, dns, vni, gatewayMode, gatewayModeV6, hostBindingIp);
    }

    /** This network with the MTU and MAC rule a driver resolved (an overlay's: the underlay's minus 50, MACs from IPs). */
    public NetworkSpec withLink(Mtu mtu, boolean macFromIp) {
        return new NetworkSpec(name, driver, bridge, existing, bip, fixedCidr, fixedCidrV6, mtu, icc, ipMasq, ipForward,
                internal, firewall, macFromIp, dns, vni, gatewayMode, gatewayModeV6, hostBindingIp);
    }

    /**
     * The bridge of a network whose spec names none and whose driver is not {@value #DEFAULT_DRIVER}:
     * {@code br-} + 12 hex digits derived from the network's name, as Docker names a user-defined network's bridge
     * after its ID (the same name on every host for the same network).
     */
    public static IfName defaultBridge(String network) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(network.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return IfName.parseNew("bridge", "br-" + java.util.HexFormat.of().formatHex(h).substring(0, 12));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // SHA-256 is in every JDK
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public static NetworkSpec of(String name, Consumer<Builder> configure) {
        Builder b = builder(name);
        configure.accept(b);
        return b.build();
    }

    /** Collects a network's settings; each setter parses and validates its value at once, naming the field. */
    public static final class Builder {
        private final String name;
        private String driver = DEFAULT_DRIVER;
        private IfName bridge;
        private boolean existing;
        private Cidr bip;
        private Cidr fixedCidr;
        private Cidr fixedCidrV6;
        private Mtu mtu;
        private boolean icc = true;
        private boolean ipMasq = true;
        private boolean ipForward = true;
        private boolean internal;
        private FirewallBackend firewall = FirewallBackend.NFTABLES;
        private boolean macFromIp;
        private DnsSpec dns = DnsSpec.HOST;
        private GatewayMode gatewayMode = GatewayMode.NAT;
        private GatewayMode gatewayModeV6;
        private Cidr subnet;
        private Integer vni;
        private IpAddress hostBindingIp;

        private Builder(String name) {
            this.name = SafeName.check("network", name);
        }

        private String f(String field) {
            return "network " + name + ": " + field;
        }

        /** The network driver (default {@value #DEFAULT_DRIVER}), Docker's {@code --driver}. */
        public Builder driver(String driver) {
            this.driver = checkDriver(f("driver"), driver);
            return this;
        }

        /** The bridge to create (default {@value #DEFAULT_BRIDGE}). */
        public Builder bridge(String ifname) {
            if (bridge != null && existing) throw conflict("bridge", ifname);
            bridge = IfName.parseNew(f("bridge"), ifname);
            return this;
        }

        /** Docker {@code -b}: use this existing bridge; it must exist and is never deleted. */
        public Builder useBridge(String ifname) {
            if (bridge != null && !existing) throw conflict("useBridge", ifname);
            bridge = IfName.parse(f("useBridge"), ifname);
            existing = true;
            return this;
        }

        private ValidationException conflict(String field, String value) {
            return new ValidationException(f(field), value, "bridge and useBridge are mutually exclusive",
                    "either bridge NAME (create it) or useBridge NAME (Docker -b: it must exist)");
        }

        /** Docker {@code --bip}: the bridge's address with the network prefix, e.g. {@code 172.17.42.1/16}. */
        public Builder bip(String cidr) {
            bip = Cidr.parseInterface(f("bip"), cidr);
            return this;
        }

        /**
         * Docker's {@code docker network create --subnet}: the network's subnet; its gateway is the subnet's first
         * address unless {@code bip} gives another (which must then be inside it, with its prefix).
         */
        public Builder subnet(String cidr) {
            subnet = Cidr.parseSubnet(f("subnet"), cidr);
            return this;
        }

        /** The VXLAN network identifier of an overlay network, 1..16777215 (default: the cluster store picks one). */
        public Builder vni(int vni) {
            if (vni < VNI_MIN || vni > VNI_MAX) {
                throw new ValidationException(f("vni"), Integer.toString(vni), "outside " + VNI_MIN + ".." + VNI_MAX,
                        "a VXLAN network identifier " + VNI_MIN + ".." + VNI_MAX + " (24 bits)");
            }
            this.vni = vni;
            return this;
        }

        public Builder fixedCidr(String cidr) {
            fixedCidr = Cidr.parseSubnet(f("fixedCidr"), cidr);
            return this;
        }

        public Builder fixedCidrV6(String cidr) {
            fixedCidrV6 = Cidr.parseSubnet(f("fixedCidrV6"), cidr);
            return this;
        }

        public Builder mtu(int mtu) {
            this.mtu = Mtu.parse(f("mtu"), Integer.toString(mtu));
            return this;
        }

        public Builder icc(boolean icc) {
            this.icc = icc;
            return this;
        }

        public Builder ipMasq(boolean ipMasq) {
            this.ipMasq = ipMasq;
            return this;
        }

        public Builder ipForward(boolean ipForward) {
            this.ipForward = ipForward;
            return this;
        }

        public Builder internal(boolean internal) {
            this.internal = internal;
            return this;
        }

        public Builder firewall(String backend) {
            firewall = FirewallBackend.parse(f("firewall"), backend);
            return this;
        }

        /** The classic Docker MAC {@code 02:42:} + the IPv4 address, instead of a random one. */
        public Builder macFromIp(boolean macFromIp) {
            this.macFromIp = macFromIp;
            return this;
        }

        /** DNS settings for the network's containers ({@code dockerd --dns/--dns-search/--dns-opt}). */
        public Builder dns(DnsSpec dns) {
            this.dns = Objects.requireNonNull(dns, "dns");
            return this;
        }

        public Builder dns(Consumer<DnsSpec.Builder> configure) {
            return dns(DnsSpec.of(configure));
        }

        /** Docker's {@code gateway_mode_ipv4} (and IPv6's too unless {@link #gatewayModeV6} says otherwise). */
        public Builder gatewayMode(String mode) {
            gatewayMode = GatewayMode.parse(f("gatewayMode"), mode);
            return this;
        }

        /** Docker's {@code gateway_mode_ipv6}, for a network with {@code fixedCidrV6}. */
        public Builder gatewayModeV6(String mode) {
            gatewayModeV6 = GatewayMode.parse(f("gatewayModeV6"), mode);
            return this;
        }

        /**
         * Docker's {@code dockerd --ip} and {@code com.docker.network.bridge.host_binding_ipv4}: the host address that
         * ports published without one are bound to ({@code 0.0.0.0} / {@code ::}: every address of that family).
         */
        public Builder hostBindingIp(String ip) {
            IpAddress a = IpAddress.parse(f("hostBindingIp"), ip);
            if (a.isMulticast() || a.isLinkLocal()) {
                throw new ValidationException(f("hostBindingIp"), ip, "a " + (a.isMulticast() ? "multicast" : "link-local")
                        + " address", "a host address, 127.0.0.1, 0.0.0.0 or ::");
            }
            hostBindingIp = a;
            return this;
        }

        public NetworkSpec build() {
            IfName br = bridge != null ? bridge : driver.equals(DEFAULT_DRIVER)
                    ? IfName.parseNew(f("bridge"), DEFAULT_BRIDGE) : defaultBridge(name);
            Cidr b = bip != null || existing ? bip : subnet != null ? gatewayOf(subnet)
                    : Cidr.parseInterface(f("bip"), DEFAULT_BIP);
            if (subnet != null && b != null && !b.subnet().equals(subnet)) {
                throw new ValidationException(f("subnet"), subnet.toString(), "the bip " + b + " is in another subnet ("
                        + b.subnet() + ")", "the subnet of the bip, or no bip (the gateway is then the subnet's first address)");
            }
            if (mtu != null && fixedCidrV6 != null) mtu.requireIpv6(f("mtu"));
            if (gatewayModeV6 != null && fixedCidrV6 == null) {
                throw new ValidationException(f("gatewayModeV6"), gatewayModeV6.label(), "the network has no IPv6",
                        "fixedCidrV6 with gatewayModeV6, or gatewayMode alone for an IPv4-only network");
            }
            GatewayMode v6 = gatewayModeV6 != null ? gatewayModeV6 : gatewayMode;
            checkGatewayModes("gatewayMode", gatewayMode);
            checkGatewayModes(gatewayModeV6 != null ? "gatewayModeV6" : "gatewayMode", v6);
            return new NetworkSpec(name, driver, br, existing, b, fixedCidr, fixedCidrV6, mtu, icc, ipMasq, ipForward,
                    internal, firewall, macFromIp, dns, vni, gatewayMode, v6, hostBindingIp);
        }

        /** Docker's rules: isolated only for an internal network; an internal network routes and NATs nothing. */
        private void checkGatewayModes(String field, GatewayMode m) {
            if (m == GatewayMode.ISOLATED && !internal) {
                throw new ValidationException(f(field), m.label(), "only an internal network can be isolated (Docker"
                        + " refuses it too)", "internal true with " + field + " 'isolated', or nat, nat-unprotected"
                        + " or routed");
            }
            if (internal && (m == GatewayMode.ROUTED || m == GatewayMode.NAT_UNPROTECTED)) {
                throw new ValidationException(f(field), m.label(), "an internal network has no way in or out to "
                        + (m == GatewayMode.ROUTED ? "route" : "leave unprotected"), "nat or isolated for an internal"
                        + " network");
            }
        }

        /** The subnet's first address as the gateway, with the subnet's prefix ({@code 10.60.0.1/16}). */
        private Cidr gatewayOf(Cidr s) {
            if (s.hostBits() < 2) {
                throw new ValidationException(f("subnet"), s.toString(), "leaves no address for containers",
                        "a subnet of at least 4 addresses (a /30 or shorter prefix)");
            }
            return Cidr.of(s.network().next(), s.prefixLength());
        }
    }
}
