package org.nlbridge.rtnl;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.netlink.MsgWriter;

/**
 * Attribute putters for the value types, through a reused scratch segment so that encoding allocates nothing. One
 * per verbs object; not thread-safe.
 */
final class Enc {
    /** Large enough for an IPv6 address and for an alias without its NUL ({@code IFALIASZ - 1}). */
    private final MemorySegment scratch = MemorySegment.ofArray(new byte[256]);

    void putAddress(MsgWriter w, int type, IpAddress address) {
        if (address instanceof Ipv4Address v4) {
            w.putBe32(type, v4.toInt());
        } else {
            address.writeTo(scratch, 0);
            w.putBytes(type, scratch, 0, address.byteLength());
        }
    }

    void putMac(MsgWriter w, int type, MacAddress mac) {
        mac.writeTo(scratch, 0);
        w.putBytes(type, scratch, 0, 6);
    }

    /**
     * An ASCII string without its NUL, as iproute2 sends {@code IFLA_IFALIAS}: the kernel stores the payload length
     * as the alias length, so a NUL would count against the 255-byte limit. Empty clears the alias.
     */
    void putAsciiNoNul(MsgWriter w, int type, String s) {
        for (int i = 0; i < s.length(); i++) {
            scratch.set(ValueLayout.JAVA_BYTE, i, (byte) s.charAt(i));
        }
        w.putBytes(type, scratch, 0, s.length());
    }
}
