package org.nlbridge.rtnl;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.nlbridge.net.MacAddress;
import org.nlbridge.netlink.AttrCursor;
import org.nlbridge.netlink.AttrIndex;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.WireFormatException;

/**
 * Flyweight over one {@code RTM_NEWLINK} message, read in place: one pass indexes the attributes, each getter then
 * reads its attribute where it lies. Nothing is allocated unless a getter returns an object ({@link #name()},
 * {@link #kind()}, {@link #mac()}, {@link #toLink()}); the {@code *Equals} / {@code *StartsWith} forms compare without
 * allocating, for hot paths such as "find our links among 1000".
 *
 * <p>Unknown attributes are skipped. Malformed ones (bad lengths, a u32 of the wrong size, a string without its NUL)
 * raise {@link WireFormatException}. Valid only while the message it was reset to is in its buffer.
 */
public final class LinkView {
    private final AttrCursor attrs = new AttrCursor();
    private final AttrIndex index = new AttrIndex(Rt.IFLA_MAX);
    private final AttrCursor nested = new AttrCursor();
    private int ifindex;
    private int flags;
    private int type;

    /** Points the view at the current message of {@code msg}, which must be an {@code RTM_NEWLINK}. */
    public LinkView reset(MsgCursor msg) {
        msg.requirePayload(Rt.IFINFOMSG);
        type = msg.u16At(Rt.IFI_TYPE);
        ifindex = msg.u32At(Rt.IFI_INDEX);
        flags = msg.u32At(Rt.IFI_FLAGS);
        index.fill(msg.attributes(attrs, Rt.IFINFOMSG));
        return this;
    }

    public int index() {
        return ifindex;
    }

    /** {@code ifi_flags}. */
    public int flags() {
        return flags;
    }

    /** {@code ifi_type}: the ARPHRD_* hardware type (1 for Ethernet, 772 for loopback). */
    public int hardwareType() {
        return type;
    }

    public boolean isUp() {
        return (flags & Rt.IFF_UP) != 0;
    }

    public String name() {
        AttrCursor a = index.get(Rt.IFLA_IFNAME);
        return a == null ? null : a.string();
    }

    public boolean nameEquals(CharSequence name) {
        AttrCursor a = index.get(Rt.IFLA_IFNAME);
        return a != null && a.stringEquals(name);
    }

    /** {@code IFLA_MTU}, or 0 if absent. */
    public int mtu() {
        return u32(Rt.IFLA_MTU, 0);
    }

    /** {@code IFLA_MASTER}: the bridge it is a port of, or 0. */
    public int master() {
        return u32(Rt.IFLA_MASTER, 0);
    }

    /** {@code IFLA_LINK}: a veth's peer ifindex (in the namespace {@link #linkNetnsid()} names), or 0. */
    public int peerIndex() {
        return u32(Rt.IFLA_LINK, 0);
    }

    /** {@code IFLA_LINK_NETNSID} (signed), or -1 when absent. */
    public int linkNetnsid() {
        return u32(Rt.IFLA_LINK_NETNSID, -1);
    }

    public boolean hasAlias() {
        return index.has(Rt.IFLA_IFALIAS);
    }

    public String alias() {
        AttrCursor a = index.get(Rt.IFLA_IFALIAS);
        return a == null ? null : a.string();
    }

    public boolean aliasEquals(CharSequence alias) {
        AttrCursor a = index.get(Rt.IFLA_IFALIAS);
        return a != null && a.stringEquals(alias);
    }

    /** Whether the alias starts with {@code prefix} (ASCII), e.g. the ownership marker {@code "nlbridge:"}. */
    public boolean aliasStartsWith(String prefix) {
        AttrCursor a = index.get(Rt.IFLA_IFALIAS);
        if (a == null) {
            return false;
        }
        MemorySegment seg = a.segment();
        long p = a.payloadOffset();
        int n = a.payloadLength();
        if (prefix.length() >= n) { // the payload also holds the NUL
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c > 0x7f || seg.get(ValueLayout.JAVA_BYTE, p + i) != (byte) c) {
                return false;
            }
        }
        return true;
    }

    /** {@code IFLA_INFO_KIND} ({@code bridge}, {@code veth}, ...), or null. */
    public String kind() {
        AttrCursor k = infoAttr(Rt.IFLA_INFO_KIND);
        return k == null ? null : k.string();
    }

    public boolean kindEquals(CharSequence kind) {
        AttrCursor k = infoAttr(Rt.IFLA_INFO_KIND);
        return k != null && k.stringEquals(kind);
    }

    /** {@code IFLA_INFO_SLAVE_KIND}: {@code bridge} for a bridge port, or null. */
    public String portKind() {
        AttrCursor k = infoAttr(Rt.IFLA_INFO_SLAVE_KIND);
        return k == null ? null : k.string();
    }

    /**
     * A VXLAN device's settings ({@code IFLA_INFO_DATA} of kind {@code vxlan}), or null for any other link. Allocates
     * the result.
     */
    public VxlanInfo vxlan() {
        if (!kindEquals("vxlan")) {
            return null;
        }
        AttrCursor data = infoAttr(Rt.IFLA_INFO_DATA);
        return VxlanWire.decode(data == null ? new AttrCursor() : data.enter(new AttrCursor()));
    }

    /** The 48 bits of a 6-byte {@code IFLA_ADDRESS}, or -1 when absent or not Ethernet-sized; allocates nothing. */
    public long macBits() {
        return AddressView.macBits(index.get(Rt.IFLA_ADDRESS));
    }

    /** The MAC address, or null when absent or not 6 bytes long. */
    public MacAddress mac() {
        long bits = macBits();
        return bits < 0 ? null : MacAddress.of(bits);
    }

    /** An immutable copy. */
    public Link toLink() {
        return new Link(ifindex, name(), kind(), mtu(), mac(), flags, master(), alias(), linkNetnsid(), peerIndex());
    }

    private int u32(int type, int absent) {
        AttrCursor a = index.get(type);
        return a == null ? absent : a.u32();
    }

    /** The attribute {@code type} inside {@code IFLA_LINKINFO}, or null. */
    private AttrCursor infoAttr(int type) {
        AttrCursor info = index.get(Rt.IFLA_LINKINFO);
        if (info == null) {
            return null;
        }
        AttrCursor c = info.enter(nested);
        while (c.next()) {
            if (c.type() == type) {
                return c;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "LinkView[" + ifindex + "]";
    }
}
