package org.nlbridge.rtnl;

import java.lang.foreign.MemorySegment;

import org.nlbridge.net.IpAddress;
import org.nlbridge.net.MacAddress;
import org.nlbridge.netlink.AttrCursor;
import org.nlbridge.netlink.AttrIndex;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.WireFormatException;

/**
 * Flyweight over one {@code RTM_NEWNEIGH} / {@code RTM_DELNEIGH} message (a neighbour or FDB entry), read in place:
 * one pass indexes the attributes, each getter reads its attribute where it lies. Only {@link #address()},
 * {@link #mac()} and {@link #toNeighbour()} allocate; {@link #macBits()} and {@link #addressEquals} do not, for
 * scanning an FDB of thousands of entries during reconcile.
 *
 * <p>Unknown attributes are skipped. Malformed known ones (an {@code NDA_DST} whose length fits no address of the
 * family, a u32 of the wrong size) raise {@link WireFormatException}. Valid only while the message is in its buffer.
 */
public final class NeighbourView {
    private final AttrCursor attrs = new AttrCursor();
    private final AttrIndex index = new AttrIndex(Nd.NDA_MAX);
    private final MemorySegment scratch = MemorySegment.ofArray(new byte[16]);
    private int family;
    private int ifindex;
    private int state;
    private int flags;

    /**
     * Points the view at the current message of {@code msg}; returns false (and decodes nothing) for a family other
     * than {@code AF_INET}, {@code AF_INET6} and {@code AF_BRIDGE}.
     */
    public boolean reset(MsgCursor msg) {
        msg.requirePayload(Nd.NDMSG);
        family = msg.u8At(Nd.NDM_FAMILY);
        if (family != Rt.AF_INET && family != Rt.AF_INET6 && family != Nd.AF_BRIDGE) {
            return false;
        }
        ifindex = msg.u32At(Nd.NDM_IFINDEX);
        state = msg.u16At(Nd.NDM_STATE);
        flags = msg.u8At(Nd.NDM_FLAGS);
        index.fill(msg.attributes(attrs, Nd.NDMSG));
        return true;
    }

    public int family() {
        return family;
    }

    /** An FDB entry ({@code AF_BRIDGE}). */
    public boolean isFdb() {
        return family == Nd.AF_BRIDGE;
    }

    public int ifindex() {
        return ifindex;
    }

    /** {@code ndm_state}, a {@link Nud} state. */
    public int state() {
        return state;
    }

    /** {@code ndm_flags}. */
    public int flags() {
        return flags;
    }

    public boolean isSelf() {
        return (flags & Nd.NTF_SELF) != 0;
    }

    public boolean isMaster() {
        return (flags & Nd.NTF_MASTER) != 0;
    }

    /** The 48 bits of a 6-byte {@code NDA_LLADDR}, or -1 when absent or not Ethernet-sized; allocates nothing. */
    public long macBits() {
        return AddressView.macBits(index.get(Nd.NDA_LLADDR));
    }

    /** The MAC ({@code NDA_LLADDR}), or null when absent or not 6 bytes long. */
    public MacAddress mac() {
        long bits = macBits();
        return bits < 0 ? null : MacAddress.of(bits);
    }

    /** Whether there is an {@code NDA_DST}. */
    public boolean hasAddress() {
        return index.has(Nd.NDA_DST);
    }

    /** {@code NDA_DST}: the neighbour's address, or an FDB entry's remote VTEP; null when absent. */
    public IpAddress address() {
        AttrCursor a = index.get(Nd.NDA_DST);
        if (a == null) {
            return null;
        }
        int f = addressFamily(a);
        return IpAddress.readFrom(f, a.segment(), a.payloadOffset());
    }

    /** Whether {@code NDA_DST} is {@code address}, compared in place. */
    public boolean addressEquals(IpAddress address) {
        AttrCursor a = index.get(Nd.NDA_DST);
        if (a == null || address == null || addressFamily(a) != address.family()) {
            return false;
        }
        address.writeTo(scratch, 0);
        return MemorySegment.mismatch(a.segment(), a.payloadOffset(), a.payloadOffset() + address.byteLength(),
                scratch, 0, address.byteLength()) == -1;
    }

    /** The family of the address in {@code a}: the message's, or for an FDB entry the one its length says. */
    private int addressFamily(AttrCursor a) {
        int n = a.payloadLength();
        int f = family == Nd.AF_BRIDGE ? (n == 4 ? Rt.AF_INET : n == 16 ? Rt.AF_INET6 : -1) : family;
        if (f == -1 || n != (f == Rt.AF_INET ? 4 : 16)) {
            throw new WireFormatException("neighbour NDA_DST at offset " + a.offset() + " on ifindex " + ifindex
                    + " has " + n + " bytes, which is no address of family " + family);
        }
        return f;
    }

    /** {@code NDA_VNI}, or -1 when absent. */
    public int vni() {
        AttrCursor a = index.get(Nd.NDA_VNI);
        return a == null ? -1 : a.u32();
    }

    /** {@code NDA_PORT}, or 0 when absent. */
    public int port() {
        AttrCursor a = index.get(Nd.NDA_PORT);
        return a == null ? 0 : a.be16();
    }

    /** {@code NDA_IFINDEX}, or 0 when absent. */
    public int via() {
        AttrCursor a = index.get(Nd.NDA_IFINDEX);
        return a == null ? 0 : a.u32();
    }

    /** {@code NDA_MASTER}, or 0 when absent. */
    public int master() {
        AttrCursor a = index.get(Nd.NDA_MASTER);
        return a == null ? 0 : a.u32();
    }

    /** {@code NDA_VLAN}, or -1 when absent. */
    public int vlan() {
        AttrCursor a = index.get(Nd.NDA_VLAN);
        return a == null ? -1 : a.u16();
    }

    /** An immutable copy. */
    public Neighbour toNeighbour() {
        return new Neighbour(family, ifindex, address(), mac(), state, flags, vni(), port(), via(), master(), vlan());
    }

    @Override
    public String toString() {
        return "NeighbourView[family " + family + ", ifindex " + ifindex + "]";
    }
}
