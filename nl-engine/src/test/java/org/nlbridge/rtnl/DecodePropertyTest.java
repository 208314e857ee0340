package org.nlbridge.rtnl;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.WireFormatException;

/**
 * The rtnl decoders on arbitrary bytes, and on valid replies with bytes overwritten and cut: they either decode or
 * raise {@link WireFormatException}, never anything else (heap segments of exactly the input's size turn any
 * over-read into an IndexOutOfBoundsException, which would fail the property).
 */
class DecodePropertyTest {
    private static final byte[] VALID = Wire.bytes(w -> {
        for (int i = 0; i < 3; i++) {
            w.begin(Rt.RTM_NEWLINK, 0, 1);
            long h = w.reserve(Rt.IFINFOMSG);
            w.setU32(h + Rt.IFI_INDEX, i + 1);
            w.putString(Rt.IFLA_IFNAME, "veth" + i);
            w.putU32(Rt.IFLA_MTU, 1500);
            w.putU32(Rt.IFLA_LINK_NETNSID, 0);
            w.putString(Rt.IFLA_IFALIAS, "nlbridge:x");
            long info = w.nestStart(Rt.IFLA_LINKINFO);
            w.putString(Rt.IFLA_INFO_KIND, "veth");
            w.nestEnd(info);
            w.end();
        }
        w.begin(Rt.RTM_NEWADDR, 0, 1);
        long a = w.reserve(Rt.IFADDRMSG);
        w.setU8(a + Rt.IFA_FAMILY, Rt.AF_INET);
        w.setU8(a + Rt.IFA_PREFIXLEN, 24);
        w.putBe32(Rt.IFA_LOCAL, 0x0a000002);
        w.putString(Rt.IFA_LABEL, "eth0");
        w.end();
        w.begin(Rt.RTM_NEWROUTE, 0, 1);
        long r = w.reserve(Rt.RTMSG);
        w.setU8(r + Rt.RTM_FAMILY, Rt.AF_INET);
        w.setU8(r + Rt.RTM_DST_LEN, 16);
        w.putBe32(Rt.RTA_DST, 0x0a090000);
        w.putBe32(Rt.RTA_GATEWAY, 0x0a000001);
        w.putU32(Rt.RTA_TABLE, 254);
        w.end();
        w.begin(Nd.RTM_NEWNEIGH, 0, 1);
        long n = w.reserve(Nd.NDMSG);
        w.setU8(n + Nd.NDM_FAMILY, Nd.AF_BRIDGE);
        w.setU32(n + Nd.NDM_IFINDEX, 7);
        w.setU16(n + Nd.NDM_STATE, Nud.PERMANENT);
        w.putBytes(Nd.NDA_LLADDR, new byte[] {2, 0x42, 10, 0x3c, 0, 12});
        w.putBe32(Nd.NDA_DST, 0xc633640c);
        w.putBe16(Nd.NDA_PORT, 4789);
        w.putU32(Nd.NDA_VNI, 42);
        w.end();
    });

    @Property(tries = 3000)
    void arbitraryBytes(@ForAll @Size(max = 400) byte[] bytes, @ForAll @IntRange(min = 16, max = 30) int type) {
        // stamp a plausible header so that the decoders, not only the cursor, see the bytes
        if (bytes.length >= 16) {
            int len = Math.min(bytes.length, (bytes[0] & 0xff) | (bytes[1] & 0x01) << 8);
            bytes[0] = (byte) len;
            bytes[1] = (byte) (len >> 8);
            bytes[2] = 0;
            bytes[3] = 0;
            bytes[4] = (byte) type;
            bytes[5] = 0;
        }
        decodeAll(bytes);
    }

    @Property(tries = 3000)
    void validRepliesCorrupted(@ForAll @Size(max = 12) int[] positions, @ForAll @Size(max = 12) byte[] values,
            @ForAll @IntRange(min = 0, max = 2000) int cut) {
        byte[] bytes = Arrays.copyOf(VALID, Math.min(VALID.length, Math.max(0, VALID.length - cut % 64)));
        for (int i = 0; i < Math.min(positions.length, values.length) && bytes.length > 0; i++) {
            bytes[Math.floorMod(positions[i], bytes.length)] = values[i];
        }
        decodeAll(bytes);
    }

    static void decodeAll(byte[] bytes) {
        MsgCursor m = new MsgCursor().reset(MemorySegment.ofArray(bytes), bytes.length);
        LinkView link = new LinkView();
        AddressView addr = new AddressView();
        RouteView route = new RouteView();
        NeighbourView neighbour = new NeighbourView();
        try {
            while (m.next()) {
                int t = m.type();
                if (t == Rt.RTM_NEWLINK) {
                    LinkView v = link.reset(m);
                    v.toLink();
                    v.nameEquals("veth0");
                    v.aliasStartsWith("nlbridge:");
                    v.kindEquals("veth");
                    v.portKind();
                } else if (t == Rt.RTM_NEWADDR) {
                    if (addr.reset(m)) addr.toAddress();
                } else if (t == Rt.RTM_NEWROUTE) {
                    if (route.reset(m)) route.toRoute();
                } else if (t == Nd.RTM_NEWNEIGH) {
                    if (neighbour.reset(m)) {
                        neighbour.toNeighbour();
                        neighbour.addressEquals(org.nlbridge.net.Ipv4Address.of(0xc633640c));
                    }
                }
            }
        } catch (WireFormatException expected) {
            // the one failure allowed
        }
    }
}
