package org.nlbridge.rtnl;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.net.IpAddress;
import org.nlbridge.netlink.AttrCursor;
import org.nlbridge.netlink.MsgWriter;

/** The {@code IFLA_INFO_DATA} of a VXLAN link: encoded from a {@link VxlanSpec}, decoded into a {@link VxlanInfo}. */
final class VxlanWire {
    private VxlanWire() {}

    static final int ID = Uapi.IFLA_VXLAN_ID();
    static final int LOCAL = Uapi.IFLA_VXLAN_LOCAL();
    static final int LOCAL6 = Uapi.IFLA_VXLAN_LOCAL6();
    static final int LINK = Uapi.IFLA_VXLAN_LINK();
    static final int PORT = Uapi.IFLA_VXLAN_PORT();
    static final int LEARNING = Uapi.IFLA_VXLAN_LEARNING();
    static final int PROXY = Uapi.IFLA_VXLAN_PROXY();
    static final int L2MISS = Uapi.IFLA_VXLAN_L2MISS();
    static final int L3MISS = Uapi.IFLA_VXLAN_L3MISS();
    static final int TTL = Uapi.IFLA_VXLAN_TTL();
    static final int UDP_CSUM = Uapi.IFLA_VXLAN_UDP_CSUM();
    static final int UDP_ZERO_CSUM6_TX = Uapi.IFLA_VXLAN_UDP_ZERO_CSUM6_TX();
    static final int UDP_ZERO_CSUM6_RX = Uapi.IFLA_VXLAN_UDP_ZERO_CSUM6_RX();

    /** {@code IFLA_INFO_DATA}, as iproute2 sends it; learning always, since the kernel's default is on. */
    static void encode(MsgWriter w, VxlanSpec x, Enc enc) {
        long data = w.nestStart(Rt.IFLA_INFO_DATA);
        w.putU32(ID, x.vni());
        if (x.local() != null) {
            enc.putAddress(w, x.local().family() == IpAddress.AF_INET ? LOCAL : LOCAL6, x.local());
        }
        if (x.underlay() > 0) {
            w.putU32(LINK, x.underlay());
        }
        w.putBe16(PORT, x.port());
        w.putU8(LEARNING, x.learning() ? 1 : 0);
        if (x.proxy()) {
            w.putU8(PROXY, 1);
        }
        if (x.l2miss()) {
            w.putU8(L2MISS, 1);
        }
        if (x.l3miss()) {
            w.putU8(L3MISS, 1);
        }
        if (x.ttl() > 0) {
            w.putU8(TTL, x.ttl());
        }
        putFlag(w, UDP_CSUM, x.udpChecksum());
        putFlag(w, UDP_ZERO_CSUM6_TX, x.udp6ZeroChecksumTx());
        putFlag(w, UDP_ZERO_CSUM6_RX, x.udp6ZeroChecksumRx());
        w.nestEnd(data);
    }

    private static void putFlag(MsgWriter w, int type, Boolean on) {
        if (on != null) {
            w.putU8(type, on ? 1 : 0);
        }
    }

    /** Decodes the attributes {@code data} walks (a fresh cursor over {@code IFLA_INFO_DATA}); unknown ones skipped. */
    static VxlanInfo decode(AttrCursor data) {
        int vni = 0;
        IpAddress local = null;
        int port = 0;
        int underlay = 0;
        boolean learning = false;
        boolean proxy = false;
        boolean l2miss = false;
        boolean l3miss = false;
        int ttl = 0;
        while (data.next()) {
            int t = data.type();
            if (t == ID) {
                vni = data.u32();
            } else if (t == LOCAL) {
                local = AddressView.readAddress(Rt.AF_INET, data, "IFLA_VXLAN_LOCAL");
            } else if (t == LOCAL6) {
                local = AddressView.readAddress(Rt.AF_INET6, data, "IFLA_VXLAN_LOCAL6");
            } else if (t == LINK) {
                underlay = data.u32();
            } else if (t == PORT) {
                port = data.be16();
            } else if (t == LEARNING) {
                learning = data.u8() != 0;
            } else if (t == PROXY) {
                proxy = data.u8() != 0;
            } else if (t == L2MISS) {
                l2miss = data.u8() != 0;
            } else if (t == L3MISS) {
                l3miss = data.u8() != 0;
            } else if (t == TTL) {
                ttl = data.u8();
            }
        }
        return new VxlanInfo(vni, local, port, underlay, learning, proxy, l2miss, l3miss, ttl);
    }
}
