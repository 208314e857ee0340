package org.nlbridge.resolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import org.nlbridge.net.DnsName;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Builds queries and reads replies for the resolver tests. */
final class Queries {
    private Queries() {}

    static byte[] query(String name, int type) {
        return message(name, type, 0).toWire();
    }

    /** A query with an EDNS OPT record asking for {@code udpSize} bytes (0: no OPT). */
    static Message message(String name, int type, int udpSize) {
        try {
            Message m = Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN));
            if (udpSize > 0) m.addRecord(new OPTRecord(udpSize, 0, 0), Section.ADDITIONAL);
            return m;
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Message parse(byte[] wire) {
        try {
            return new Message(wire);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The answer section as text values (addresses, PTR targets), in order. */
    static List<String> answers(Message m) {
        return m.getSection(Section.ANSWER).stream().map(r -> r instanceof org.xbill.DNS.AAAARecord a
                ? Ipv6Address.of(a.getAddress().getAddress()).toString() : r.rdataToString()).toList();
    }

    static DnsName name(String s) {
        return DnsName.parse("name", s);
    }

    static Ipv4Address v4(String s) {
        return Ipv4Address.parse("ip", s);
    }

    static Ipv6Address v6(String s) {
        return Ipv6Address.parse("ip6", s);
    }

    static Endpoint endpoint(String container, String ipv4, String ipv6, String... aliases) {
        return new Endpoint(name(container), ipv4 == null ? null : v4(ipv4), ipv6 == null ? null : v6(ipv6),
                java.util.Arrays.stream(aliases).map(Queries::name).toList());
    }

    static boolean isType(Record r, int type) {
        return r.getType() == type;
    }

    static final int A = Type.A;
    static final int AAAA = Type.AAAA;
    static final int PTR = Type.PTR;
}
