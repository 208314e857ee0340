package org.nlbridge.rtnl;

import java.util.Objects;

import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.Mtu;
import org.nlbridge.net.ValidationException;

/**
 * A VXLAN device for an overlay without multicast: {@code ip link add NAME [mtu M] [address MAC] [master BR] [up]
 * type vxlan id VNI [local IP] [dev UNDERLAY] dstport PORT nolearning [proxy] [l2miss] [l3miss] [ttl T]
 * [udpcsum|noudpcsum] [udp6zerocsumtx] [udp6zerocsumrx]}. It has no group and no default remote: where a frame goes
 * is decided by the FDB entries the overlay writes ({@link NeighbourSpec#fdb}, {@link NeighbourSpec#flood}).
 *
 * <p>Defaults differ from the kernel's where the overlay needs it: UDP port 4789 (IANA; the kernel's own default is
 * Linux's historical 8472) and learning off (the kernel learns source MACs from received packets by default; the
 * overlay's forwarding comes from the store, never from the wire). The MTU: with an underlay device the kernel
 * defaults it to the underlay's minus the VXLAN overhead (50 bytes over IPv4, 70 over IPv6), silently lowers a larger
 * one given at creation to that, and refuses to raise it later ({@code EINVAL}); without an underlay device it
 * defaults to 1500, which does not fit a 1500-byte underlay, so give {@code mtu} (or {@code underlay}) explicitly.
 *
 * <pre>{@code
 * VxlanSpec vx = VxlanSpec.builder("vx-ov", 4096).local("198.51.100.11").underlay(eth0.index()).proxy()
 *         .mtu(1450).master(bridge.index()).alias("nlbridge:ov").up().build();
 * }</pre>
 *
 * @param vni         VXLAN network identifier, 0..16777215 ({@code IFLA_VXLAN_ID})
 * @param local       the underlay source address, IPv4 or IPv6 ({@code IFLA_VXLAN_LOCAL}/{@code LOCAL6}), or null
 * @param port        UDP destination port ({@code IFLA_VXLAN_PORT}), 4789 unless set
 * @param underlay    the underlay device by ifindex ({@code IFLA_VXLAN_LINK}), or 0
 * @param learning    learn remote MACs from received packets ({@code IFLA_VXLAN_LEARNING}); false unless set
 * @param proxy       answer ARP and ND requests from the device's own neighbour table, so they never cross the
 *                    underlay ({@code IFLA_VXLAN_PROXY}; Docker's overlay)
 * @param l2miss      notify ({@code RTM_GETNEIGH}) when a destination MAC has no FDB entry
 * @param l3miss      notify when an ARP/ND request finds no neighbour entry (with {@code proxy})
 * @param ttl         the outer packets' TTL, 1..255, or -1 for the kernel's default
 * @param udpChecksum IPv4 underlay: outer UDP checksums on ({@code udpcsum}) or off; null for the kernel's default
 * @param udp6ZeroChecksumTx IPv6 underlay: send zero UDP checksums; null for the kernel's default (off)
 * @param udp6ZeroChecksumRx IPv6 underlay: accept zero UDP checksums; null for the kernel's default (off)
 * @param master      ifindex of the bridge it joins at creation ({@code IFLA_MASTER}), or 0
 */
public record VxlanSpec(IfName name, int vni, IpAddress local, int port, int underlay, boolean learning,
        boolean proxy, boolean l2miss, boolean l3miss, int ttl, Boolean udpChecksum, Boolean udp6ZeroChecksumTx,
        Boolean udp6ZeroChecksumRx, Mtu mtu, MacAddress mac, int master, String alias, boolean up)
        implements LinkSpec {

    /** IANA's VXLAN port (RFC 7348), Docker's and the default here. */
    public static final int IANA_PORT = 4789;
    /** Outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8: what a frame grows by on an IPv4 underlay. */
    public static final int OVERHEAD_IPV4 = 50;
    /** The same over an IPv6 underlay (40-byte IPv6 header). */
    public static final int OVERHEAD_IPV6 = 70;

    public VxlanSpec {
        Objects.requireNonNull(name, "name");
        if (vni < 0 || vni > Nd.VNI_MAX) {
            throw new ValidationException("vxlan.vni", Integer.toString(vni), "outside 0.." + Nd.VNI_MAX,
                    "a VXLAN network identifier 0.." + Nd.VNI_MAX + " (24 bits)");
        }
        if (port < 1 || port > 0xffff) {
            throw new ValidationException("vxlan.port", Integer.toString(port), "outside 1..65535",
                    "a UDP port 1..65535 (" + IANA_PORT + " is VXLAN's)");
        }
        if (local != null && (local.isMulticast() || local.isUnspecified())) {
            throw new ValidationException("vxlan.local", local.toString(), "not a unicast address",
                    "this host's unicast underlay address (--cluster-advertise)");
        }
        if (underlay < 0) {
            Checks.index("vxlan.underlay", underlay);
        }
        if (master < 0) {
            Checks.index("vxlan.master", master);
        }
        if (ttl != -1 && (ttl < 1 || ttl > 255)) {
            throw new ValidationException("vxlan.ttl", Integer.toString(ttl), "outside 1..255",
                    "a TTL 1..255 for the outer packets, or none for the kernel's default");
        }
        boolean v6 = local != null && local.family() == IpAddress.AF_INET6;
        boolean v4 = local != null && local.family() == IpAddress.AF_INET;
        if (v4 && (udp6ZeroChecksumTx != null || udp6ZeroChecksumRx != null)) {
            throw new ValidationException("vxlan.udp6zerocsum", local.toString(), "an IPv4 underlay has no IPv6 checksums",
                    "udp6ZeroChecksumTx/Rx with an IPv6 local address only");
        }
        if (v6 && udpChecksum != null) {
            throw new ValidationException("vxlan.udpcsum", local.toString(), "IPv6 underlays always checksum, unless "
                    + "udp6ZeroChecksumTx", "udpChecksum with an IPv4 local address only");
        }
        if (alias != null) {
            Checks.alias("vxlan.alias", alias);
        }
    }

    public static Builder builder(String name, int vni) {
        return new Builder(Checks.newName("vxlan.name", name), vni);
    }

    @Override
    public String kind() {
        return "vxlan";
    }

    /** What a frame grows by on this device's underlay: 50 bytes over IPv4 (also without a local address), 70 over IPv6. */
    public int overhead() {
        return local != null && local.family() == IpAddress.AF_INET6 ? OVERHEAD_IPV6 : OVERHEAD_IPV4;
    }

    /** Names it in errors: {@code vxlan vx-ov (vni 4096)}. */
    @Override
    public String toString() {
        return "vxlan " + name + " (vni " + vni + ")";
    }

    public static final class Builder {
        private final IfName name;
        private final int vni;
        private IpAddress local;
        private int port = IANA_PORT;
        private int underlay;
        private boolean learning;
        private boolean proxy;
        private boolean l2miss;
        private boolean l3miss;
        private int ttl = -1;
        private Boolean udpChecksum;
        private Boolean udp6ZeroChecksumTx;
        private Boolean udp6ZeroChecksumRx;
        private Mtu mtu;
        private MacAddress mac;
        private int master;
        private String alias;
        private boolean up;

        private Builder(IfName name, int vni) {
            this.name = name;
            this.vni = vni;
        }

        /** This host's underlay address, the source of the outer packets. Field {@code vxlan.local}. */
        public Builder local(String address) {
            this.local = IpAddress.parse("vxlan.local", address);
            return this;
        }

        public Builder local(IpAddress address) {
            this.local = address;
            return this;
        }

        /** {@code dstport}: 4789 unless set. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** {@code dev}: the underlay device, by ifindex. */
        public Builder underlay(int ifindex) {
            this.underlay = Checks.index("vxlan.underlay", ifindex);
            return this;
        }

        /** {@code learning}: learn remote MACs from the wire (off unless set). */
        public Builder learning(boolean on) {
            this.learning = on;
            return this;
        }

        /** {@code proxy}: answer ARP/ND from the device's neighbour table. */
        public Builder proxy() {
            this.proxy = true;
            return this;
        }

        public Builder l2miss() {
            this.l2miss = true;
            return this;
        }

        public Builder l3miss() {
            this.l3miss = true;
            return this;
        }

        public Builder ttl(int ttl) {
            this.ttl = ttl;
            return this;
        }

        public Builder udpChecksum(boolean on) {
            this.udpChecksum = on;
            return this;
        }

        public Builder udp6ZeroChecksumTx(boolean on) {
            this.udp6ZeroChecksumTx = on;
            return this;
        }

        public Builder udp6ZeroChecksumRx(boolean on) {
            this.udp6ZeroChecksumRx = on;
            return this;
        }

        public Builder mtu(int mtu) {
            this.mtu = Checks.mtu("vxlan.mtu", mtu);
            return this;
        }

        public Builder mtu(Mtu mtu) {
            this.mtu = mtu;
            return this;
        }

        public Builder mac(String mac) {
            this.mac = MacAddress.parseUnicast("vxlan.mac", mac);
            return this;
        }

        public Builder mac(MacAddress mac) {
            this.mac = mac;
            return this;
        }

        /** The bridge it joins at creation, by ifindex. */
        public Builder master(int bridgeIndex) {
            this.master = Checks.index("vxlan.master", bridgeIndex);
            return this;
        }

        /** Ownership marker or description ({@code IFLA_IFALIAS}). */
        public Builder alias(String alias) {
            this.alias = Checks.alias("vxlan.alias", alias);
            return this;
        }

        public Builder up() {
            this.up = true;
            return this;
        }

        public VxlanSpec build() {
            return new VxlanSpec(name, vni, local, port, underlay, learning, proxy, l2miss, l3miss, ttl, udpChecksum,
                    udp6ZeroChecksumTx, udp6ZeroChecksumRx, mtu, mac, master, alias, up);
        }
    }
}
