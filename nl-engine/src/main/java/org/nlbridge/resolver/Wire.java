package org.nlbridge.resolver;

import java.io.IOException;
import java.util.List;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The DNS wire format as the server needs it, over dnsjava's {@link Message}: checking a query before it is parsed,
 * header-only error replies, replies rendered within the client's size, and the message id of raw bytes (a forwarded
 * query and its answer are relayed as bytes, only the id changes).
 */
final class Wire {

    static final int HEADER = Header.LENGTH;
    /** The largest DNS message (a TCP frame's 16-bit length). */
    static final int MAX_MESSAGE = 65535;

    private static final int QR = 0x80; // in byte 2
    private static final int RD = 0x01; // in byte 2
    private static final int RA = 0x80; // in byte 3

    private Wire() {}

    /** A query that passed {@link #check} and parsed: its message, its one question and the size its reply may have. */
    record Query(Message message, Record question, int limit) {
        int id() {
            return message.getHeader().getID();
        }
    }

    /** The reason a datagram is not a query to answer; null if it is one. */
    enum Problem { SHORT, RESPONSE, NOT_A_QUERY, BAD_COUNTS }

    static int id(byte[] b) {
        return (b[0] & 0xFF) << 8 | b[1] & 0xFF;
    }

    static void setId(byte[] b, int id) {
        b[0] = (byte) (id >>> 8);
        b[1] = (byte) id;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    static boolean isResponse(byte[] b) {
        return (b[2] & QR) != 0;
    }

    static int rcode(byte[] b) {
        return b[3] & 0x0F;
    }

    /**
     * Checks the header of {@code len} bytes before anything parses them: a query (QR clear) with opcode QUERY,
     * exactly one question, no answer or authority records and at most one additional record (the EDNS OPT).
     */
    static Problem check(byte[] b, int len) {
        if (len < HEADER) return Problem.SHORT;
        if ((b[2] & QR) != 0) return Problem.RESPONSE;
        if ((b[2] >>> 3 & 0x0F) != Opcode.QUERY) return Problem.NOT_A_QUERY;
        if (u16(b, 4) != 1 || u16(b, 6) != 0 || u16(b, 8) != 0 || u16(b, 10) > 1) return Problem.BAD_COUNTS;
        return null;
    }

    /**
     * A 12-byte reply with {@code rcode} and no records: the id, opcode and RD bit of the query, nothing else. It is
     * never longer than the query it answers, so it cannot amplify.
     */
    static byte[] headerOnly(byte[] query, int rcode) {
        byte[] r = new byte[HEADER];
        r[0] = query[0];
        r[1] = query[1];
        r[2] = (byte) (QR | query[2] & 0x78 | query[2] & RD); // opcode bits kept
        r[3] = (byte) (RA | rcode & 0x0F);
        return r;
    }

    /**
     * Parses a query that passed {@link #check}. {@code udpLimit} is the most a UDP reply may have, whatever the
     * client's EDNS size; over TCP the limit is the protocol's.
     *
     * @throws IOException for malformed bytes (dnsjava's {@code WireParseException})
     */
    static Query parse(byte[] b, int len, boolean tcp, int udpLimit) throws IOException {
        byte[] exact = len == b.length ? b : java.util.Arrays.copyOf(b, len);
        Message m = new Message(exact);
        Record q = m.getQuestion();
        if (q == null) throw new IOException("no question");
        List<Record> additional = m.getSection(Section.ADDITIONAL);
        if (!additional.isEmpty() && !(additional.getFirst() instanceof OPTRecord)) {
            throw new IOException("an additional record other than OPT");
        }
        return new Query(m, q, tcp ? MAX_MESSAGE : udpLimit(m.getOPT(), udpLimit));
    }

    /** 512 without EDNS (RFC 1035); with it, the client's size between 512 and {@code cap} (RFC 6891). */
    static int udpLimit(OPTRecord opt, int cap) {
        if (opt == null) return DnsServerOptions.MIN_UDP;
        return Math.max(DnsServerOptions.MIN_UDP, Math.min(opt.getPayloadSize(), cap));
    }

    /**
     * A reply to {@code q}: its question, {@code answers} and an OPT record if the query had one, rendered within the
     * query's limit; what does not fit is left out and TC set.
     */
    static byte[] reply(Query q, int rcode, List<Record> answers, boolean recursion, int udpCap) {
        Message r = new Message(q.id());
        Header h = r.getHeader();
        h.setFlag(Flags.QR);
        if (q.message().getHeader().getFlag(Flags.RD)) h.setFlag(Flags.RD);
        if (recursion) h.setFlag(Flags.RA);
        h.setRcode(rcode);
        r.addRecord(q.question(), Section.QUESTION);
        for (Record a : answers) r.addRecord(a, Section.ANSWER);
        if (q.message().getOPT() != null) r.addRecord(new OPTRecord(udpCap, 0, 0), Section.ADDITIONAL);
        return r.toWire(q.limit());
    }

    /** SERVFAIL (or another rcode) with the question, for a query that was parsed. */
    static byte[] fail(Query q, int rcode, int udpCap) {
        return reply(q, rcode, List.of(), true, udpCap);
    }

    /** Whether TC is set in raw bytes. */
    static boolean truncated(byte[] b) {
        return (b[2] & 0x02) != 0;
    }

    /**
     * The upstream answer in the first {@code len} bytes of {@code b}, if it is a well-formed response to
     * {@code question}; null otherwise (malformed, a query, another question).
     */
    static Message answerTo(byte[] b, int len, Record question) {
        if (len < HEADER || !isResponse(b)) return null;
        try {
            Message m = new Message(java.util.Arrays.copyOf(b, len));
            Record q = m.getQuestion();
            return q != null && q.equals(question) ? m : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A JDK address from the strict type's bytes: never a name lookup. */
    static java.net.InetAddress inet(org.nlbridge.net.IpAddress a) {
        try {
            return java.net.InetAddress.getByAddress(a.bytes());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    static boolean isFailure(int rcode) {
        return rcode == Rcode.SERVFAIL || rcode == Rcode.REFUSED;
    }
}
