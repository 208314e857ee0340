package org.nlbridge.rtnl;

import org.nlbridge.net.IpAddress;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.ValidationException;

/**
 * A neighbour entry ({@code ip neigh}: an IPv4 ARP or IPv6 ND entry, IP address to MAC on a link) or a forwarding
 * database entry ({@code bridge fdb}: MAC to a bridge port, or on a VXLAN device MAC to a remote VTEP), as
 * {@link NeighbourRequests} adds, replaces, appends and deletes it. Validated when built.
 *
 * <pre>{@code
 * NeighbourSpec.ip(vx, "10.60.0.12", "02:42:0a:3c:00:0c")          // ip neigh replace 10.60.0.12 lladdr 02:42:0a:3c:00:0c dev vx nud permanent
 * NeighbourSpec.fdb(vx, "02:42:0a:3c:00:0c").dst("198.51.100.12")   // bridge fdb add 02:42:0a:3c:00:0c dev vx dst 198.51.100.12 self permanent
 * NeighbourSpec.flood(vx, "198.51.100.12")                          // bridge fdb append 00:00:00:00:00:00 dev vx dst 198.51.100.12
 * NeighbourSpec.fdb(vethIndex, "02:42:0a:3c:00:02").master()        // bridge fdb add 02:42:0a:3c:00:02 dev veth master static
 * }</pre>
 *
 * @param family  {@code AF_INET} or {@code AF_INET6} ({@link IpAddress#AF_INET}, {@link IpAddress#AF_INET6}) for a
 *                neighbour entry, {@link #AF_BRIDGE} for an FDB entry
 * @param ifindex the link the entry is on (for the FDB: the bridge port or the VXLAN device)
 * @param address neighbour entry: its IP address ({@code NDA_DST}); FDB entry: the remote VTEP ({@code dst},
 *                also {@code NDA_DST}), or null for none
 * @param mac     {@code NDA_LLADDR}; required for FDB entries; a neighbour entry may leave it null only to be deleted
 * @param state   a {@link Nud} state: {@link Nud#PERMANENT} by default, {@link Nud#NOARP} ({@code static}) for a
 *                bridge's own FDB
 * @param flags   {@code NTF_*}: FDB entries {@code NTF_SELF} (the device's own table, e.g. the VXLAN's), {@code
 *                NTF_MASTER} (the bridge's table) or both; neighbour entries 0 or {@code NTF_ROUTER}
 * @param vni     FDB on VXLAN: the remote's VNI ({@code NDA_VNI}) when it differs from the device's, or -1
 * @param port    FDB on VXLAN: the remote's UDP port ({@code NDA_PORT}) when it differs from the device's, or 0
 * @param via     FDB on VXLAN: the underlay link to reach the remote by ({@code NDA_IFINDEX}), or 0
 */
public record NeighbourSpec(int family, int ifindex, IpAddress address, MacAddress mac, int state, int flags, int vni,
        int port, int via) {

    /** {@code AF_BRIDGE} ({@code PF_BRIDGE}): the family of FDB entries. */
    public static final int AF_BRIDGE = Nd.AF_BRIDGE;
    /** The all-zeros MAC of the FDB's default entries: frames to unknown, broadcast and multicast MACs. */
    public static final MacAddress ZERO_MAC = MacAddress.of(0);

    private static final String FAMILIES = "AF_INET (2), AF_INET6 (10) or AF_BRIDGE (7)";

    public NeighbourSpec {
        if (family != IpAddress.AF_INET && family != IpAddress.AF_INET6 && family != AF_BRIDGE) {
            throw new ValidationException("neighbour.family", Integer.toString(family), "not a neighbour family",
                    FAMILIES);
        }
        Checks.index("neighbour.ifindex", ifindex);
        if (state <= 0 || state > 0xffff) {
            throw new ValidationException("neighbour.state", Integer.toString(state), "not a NUD_* state",
                    "a Nud state such as Nud.PERMANENT");
        }
        if (family == AF_BRIDGE) {
            checkFdb(address, mac, flags, vni, port, via);
        } else {
            checkIp(family, address, flags, vni, port, via);
        }
    }

    private static void checkFdb(IpAddress dst, MacAddress mac, int flags, int vni, int port, int via) {
        if (mac == null) {
            throw new ValidationException("fdb.mac", null, "no value given", MacAddress.ACCEPTED);
        }
        int where = flags & (Nd.NTF_SELF | Nd.NTF_MASTER);
        if (where == 0 || (flags & ~(Nd.NTF_SELF | Nd.NTF_MASTER | Nd.NTF_STICKY)) != 0) {
            throw new ValidationException("fdb.flags", "0x" + Integer.toHexString(flags),
                    "an FDB entry goes in the device's own table (self), the bridge's (master) or both",
                    "NTF_SELF and/or NTF_MASTER, optionally NTF_STICKY");
        }
        if (dst != null && (dst.isMulticast() || dst.isUnspecified())) {
            throw new ValidationException("fdb.dst", dst.toString(), "not a unicast address",
                    "the unicast underlay address of a remote VTEP (no multicast: the overlay has no groups)");
        }
        if (vni < -1 || vni > Nd.VNI_MAX) {
            throw new ValidationException("fdb.vni", Integer.toString(vni), "outside 0.." + Nd.VNI_MAX,
                    "a VXLAN network identifier 0.." + Nd.VNI_MAX + ", or -1 for the device's own");
        }
        if (port < 0 || port > 0xffff) {
            throw new ValidationException("fdb.port", Integer.toString(port), "outside 1..65535",
                    "a UDP port 1..65535, or 0 for the device's own");
        }
        if (via < 0) {
            Checks.index("fdb.via", via);
        }
    }

    private static void checkIp(int family, IpAddress address, int flags, int vni, int port, int via) {
        if (address == null) {
            throw new ValidationException("neighbour.address", null, "no value given", IpAddress.ACCEPTED);
        }
        if (address.family() != family) {
            throw new ValidationException("neighbour.address", address.toString(),
                    "not of the entry's family " + family, "an address of the neighbour entry's family");
        }
        if ((flags & ~Nd.NTF_ROUTER) != 0) {
            throw new ValidationException("neighbour.flags", "0x" + Integer.toHexString(flags),
                    "not a flag of neighbour entries", "0 or NTF_ROUTER");
        }
        if (vni != -1 || port != 0 || via != 0) {
            throw new ValidationException(vni != -1 ? "neighbour.vni" : port != 0 ? "neighbour.port" : "neighbour.via",
                    Integer.toString(vni != -1 ? vni : port != 0 ? port : via), "only VXLAN FDB entries have one",
                    "none on a neighbour entry (use NeighbourSpec.fdb for an FDB entry)");
        }
    }

    /**
     * A permanent neighbour entry: {@code ip neigh replace ADDRESS lladdr MAC dev LINK nud permanent} (IPv4 ARP or
     * IPv6 ND by the address). Fields {@code neighbour.address} and {@code neighbour.mac}.
     */
    public static NeighbourSpec ip(int ifindex, String address, String mac) {
        return ip(ifindex, IpAddress.parse("neighbour.address", address), MacAddress.parseUnicast("neighbour.mac", mac));
    }

    public static NeighbourSpec ip(int ifindex, IpAddress address, MacAddress mac) {
        if (mac != null && (!mac.isUnicast() || mac.isZero())) {
            throw new ValidationException("neighbour.mac", mac.toString(), "not the address of one interface",
                    MacAddress.ACCEPTED_UNICAST);
        }
        return new NeighbourSpec(address == null ? IpAddress.AF_INET : address.family(), ifindex, address, mac,
                Nud.PERMANENT, 0, -1, 0, 0);
    }

    /** The neighbour entry for {@code address} on the link, without a MAC: enough to delete it. */
    public static NeighbourSpec ip(int ifindex, String address) {
        return ip(ifindex, IpAddress.parse("neighbour.address", address), null);
    }

    /**
     * A permanent FDB entry in the device's own table ({@code self}): {@code bridge fdb add MAC dev LINK self
     * permanent}; on a VXLAN device give the remote with {@link #dst}. Field {@code fdb.mac}.
     */
    public static NeighbourSpec fdb(int ifindex, String mac) {
        return fdb(ifindex, MacAddress.parse("fdb.mac", mac));
    }

    public static NeighbourSpec fdb(int ifindex, MacAddress mac) {
        return new NeighbourSpec(AF_BRIDGE, ifindex, null, mac, Nud.PERMANENT, Nd.NTF_SELF, -1, 0, 0);
    }

    /**
     * The all-zeros FDB entry of a VXLAN device towards one remote VTEP: broadcast, multicast and unknown unicast
     * frames are replicated to every such remote (head-end replication, no multicast underlay). Add each remote with
     * {@link NeighbourRequests#append}: {@code bridge fdb append 00:00:00:00:00:00 dev LINK dst VTEP}. Field
     * {@code fdb.dst}.
     */
    public static NeighbourSpec flood(int ifindex, String vtep) {
        return flood(ifindex, IpAddress.parse("fdb.dst", vtep));
    }

    public static NeighbourSpec flood(int ifindex, IpAddress vtep) {
        if (vtep == null) {
            throw new ValidationException("fdb.dst", null, "no value given", "the underlay address of a remote VTEP");
        }
        return fdb(ifindex, ZERO_MAC).dst(vtep);
    }

    /** The remote VTEP ({@code dst}) of a VXLAN FDB entry. Field {@code fdb.dst}. */
    public NeighbourSpec dst(String vtep) {
        return dst(IpAddress.parse("fdb.dst", vtep));
    }

    public NeighbourSpec dst(IpAddress vtep) {
        requireFdb("fdb.dst", vtep == null ? null : vtep.toString());
        return new NeighbourSpec(family, ifindex, vtep, mac, state, flags, vni, port, via);
    }

    /** {@code vni VNI}: the remote's VXLAN network identifier, when it is not the device's. */
    public NeighbourSpec vni(int vni) {
        requireFdb("fdb.vni", Integer.toString(vni));
        if (vni < 0) {
            throw new ValidationException("fdb.vni", Integer.toString(vni), "outside 0.." + Nd.VNI_MAX,
                    "a VXLAN network identifier 0.." + Nd.VNI_MAX);
        }
        return new NeighbourSpec(family, ifindex, address, mac, state, flags, vni, port, via);
    }

    /** {@code port PORT}: the remote's UDP port, when it is not the device's. */
    public NeighbourSpec port(int port) {
        requireFdb("fdb.port", Integer.toString(port));
        if (port == 0) {
            throw new ValidationException("fdb.port", "0", "outside 1..65535", "a UDP port 1..65535");
        }
        return new NeighbourSpec(family, ifindex, address, mac, state, flags, vni, port, via);
    }

    /** {@code via LINK}: the underlay link (by ifindex) towards the remote. */
    public NeighbourSpec via(int underlayIndex) {
        requireFdb("fdb.via", Integer.toString(underlayIndex));
        return new NeighbourSpec(family, ifindex, address, mac, state, flags, vni, port,
                Checks.index("fdb.via", underlayIndex));
    }

    /**
     * In the bridge's FDB instead of the device's own ({@code master}), as a {@code static} entry ({@link Nud#NOARP}:
     * a {@code permanent} one would make the bridge treat the MAC as its own) unless a state was set.
     */
    public NeighbourSpec master() {
        requireFdb("fdb.flags", "master");
        int s = state == Nud.PERMANENT ? Nud.NOARP : state;
        return new NeighbourSpec(family, ifindex, address, mac, s, flags & ~Nd.NTF_SELF | Nd.NTF_MASTER, vni, port, via);
    }

    /** A {@link Nud} state instead of the default. */
    public NeighbourSpec state(int state) {
        return new NeighbourSpec(family, ifindex, address, mac, state, flags, vni, port, via);
    }

    /** {@code router}: the IPv6 neighbour is a router ({@code NTF_ROUTER}). */
    public NeighbourSpec router() {
        if (isFdb()) {
            throw new ValidationException("fdb.flags", "router", "FDB entries have no router flag",
                    "router on neighbour entries only");
        }
        return new NeighbourSpec(family, ifindex, address, mac, state, flags | Nd.NTF_ROUTER, vni, port, via);
    }

    private void requireFdb(String field, String value) {
        if (!isFdb()) {
            throw new ValidationException(field, value, "only FDB entries have one",
                    "an FDB entry (NeighbourSpec.fdb or flood)");
        }
    }

    /** An FDB entry ({@code AF_BRIDGE}), as opposed to an ARP/ND entry. */
    public boolean isFdb() {
        return family == AF_BRIDGE;
    }

    /** An FDB entry for the all-zeros MAC: a flood destination. */
    public boolean isFlood() {
        return isFdb() && mac.isZero();
    }

    /**
     * Names the entry in errors: {@code neighbour 10.60.0.12 lladdr 02:42:0a:3c:00:0c on ifindex 7},
     * {@code fdb 02:42:0a:3c:00:0c dst 198.51.100.12 on ifindex 7 (self)}.
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (isFdb()) {
            b.append("fdb ").append(mac);
            if (address != null) b.append(" dst ").append(address);
            if (vni >= 0) b.append(" vni ").append(vni);
            if (port > 0) b.append(" port ").append(port);
            if (via > 0) b.append(" via #").append(via);
        } else {
            b.append("neighbour ").append(address);
            if (mac != null) b.append(" lladdr ").append(mac);
        }
        b.append(" on ifindex ").append(ifindex);
        if (isFdb()) {
            boolean self = (flags & Nd.NTF_SELF) != 0;
            boolean master = (flags & Nd.NTF_MASTER) != 0;
            b.append(self && master ? " (self, master)" : self ? " (self)" : " (master)");
        }
        return b.toString();
    }
}
