package org.nlbridge.rtnl;

import org.nlbridge.net.IpAddress;
import org.nlbridge.net.MacAddress;

/**
 * A neighbour or FDB entry as the kernel reported it (an immutable copy of a {@link NeighbourView}).
 *
 * @param family  {@code AF_INET}, {@code AF_INET6}, or {@link NeighbourSpec#AF_BRIDGE} for an FDB entry
 * @param ifindex the link it is on
 * @param address {@code NDA_DST}: a neighbour entry's IP address; an FDB entry's remote VTEP; null when absent
 * @param mac     {@code NDA_LLADDR} when it is a 6-byte Ethernet address, else null
 * @param state   {@code ndm_state}, a {@link Nud} state
 * @param flags   {@code ndm_flags} ({@code NTF_SELF}, {@code NTF_MASTER}, {@code NTF_ROUTER}, ...)
 * @param vni     {@code NDA_VNI}, or -1 when absent (the VXLAN device's own VNI)
 * @param port    {@code NDA_PORT}, or 0 when absent (the VXLAN device's own port)
 * @param via     {@code NDA_IFINDEX}: a VXLAN remote's underlay link, or 0
 * @param master  {@code NDA_MASTER}: the bridge of a {@code master} FDB entry, or 0
 * @param vlan    {@code NDA_VLAN}, or -1 when absent
 */
public record Neighbour(int family, int ifindex, IpAddress address, MacAddress mac, int state, int flags, int vni,
        int port, int via, int master, int vlan) {

    /** An FDB entry ({@code AF_BRIDGE}). */
    public boolean isFdb() {
        return family == Nd.AF_BRIDGE;
    }

    /** In the device's own table ({@code NTF_SELF}): a VXLAN device's FDB, as opposed to the bridge's. */
    public boolean isSelf() {
        return (flags & Nd.NTF_SELF) != 0;
    }

    /** In the bridge's table ({@code NTF_MASTER}). */
    public boolean isMaster() {
        return (flags & Nd.NTF_MASTER) != 0;
    }

    public boolean isPermanent() {
        return (state & Nud.PERMANENT) != 0;
    }

    /** An all-zeros FDB entry: a flood destination. */
    public boolean isFlood() {
        return isFdb() && mac != null && mac.isZero();
    }

    /**
     * The spec that names this entry, to replace or delete what a dump found (reconcile). Flags the verbs do not
     * take are dropped.
     */
    public NeighbourSpec toSpec() {
        int keep = isFdb() ? Nd.NTF_SELF | Nd.NTF_MASTER | Nd.NTF_STICKY : Nd.NTF_ROUTER;
        int spec = flags & keep;
        if (isFdb() && (spec & (Nd.NTF_SELF | Nd.NTF_MASTER)) == 0) {
            spec |= Nd.NTF_SELF;
        }
        return new NeighbourSpec(family, ifindex, address, mac, state == 0 ? Nud.PERMANENT : state, spec, vni,
                port, via);
    }
}
