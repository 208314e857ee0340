package org.nlbridge.resolver;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Decides what to do with one query, without any I/O: answer it from the tables of the listener's networks, forward
 * it, or drop it. Pure and thread-safe: the UDP loop and the TCP threads share one.
 *
 * <p>Names: a container's name or alias on any of the listener's networks, in the listener's order, and
 * {@code name.network} for one of them. A known name gets its addresses of the asked type (A, AAAA, or both for
 * ANY); any other type, or a family it has no address of, gets an empty NOERROR answer (NODATA) and is not
 * forwarded, so nothing about container names leaks upstream. PTR queries for a container's address get
 * {@code container.network.}. Everything else is forwarded, unless the listener is internal (SERVFAIL).
 */
final class Answerer {

    /** What to do with a query. */
    sealed interface Outcome permits Reply, Forward, Drop {}

    /** Send these bytes back. */
    record Reply(byte[] wire) implements Outcome {}

    /** Forward the client's bytes ({@code wire}, with its id) to the listener's upstreams. */
    record Forward(Wire.Query query, byte[] wire) implements Outcome {}

    /** Send nothing. */
    enum Drop implements Outcome { INSTANCE }

    private final DnsServerOptions options;
    private final Counters counters;

    Answerer(DnsServerOptions options, Counters counters) {
        this.options = options;
        this.counters = counters;
    }

    /** The outcome for the first {@code len} bytes of {@code b}; never throws for any input. */
    Outcome answer(byte[] b, int len, boolean tcp, ListenerSpec listener, Map<String, NetworkNames> tables) {
        counters.queries.increment();
        Wire.Problem problem = Wire.check(b, len);
        if (problem != null) {
            counters.malformed.increment();
            return switch (problem) {
                case SHORT, RESPONSE -> Drop.INSTANCE; // no header to answer, or a response: never reply to one
                case NOT_A_QUERY -> new Reply(Wire.headerOnly(b, Rcode.NOTIMP));
                case BAD_COUNTS -> new Reply(Wire.headerOnly(b, Rcode.FORMERR));
            };
        }
        Wire.Query q;
        try {
            q = Wire.parse(b, len, tcp, options.udpPayloadLimit());
        } catch (IOException | RuntimeException e) {
            counters.malformed.increment();
            return new Reply(Wire.headerOnly(b, Rcode.FORMERR));
        }
        Record question = q.question();
        int type = question.getType();
        if (question.getDClass() == DClass.IN) {
            List<Record> local = type == Type.PTR ? reverse(question.getName(), listener, tables)
                    : forward(question.getName(), type, listener, tables);
            if (local != null) {
                counters.answeredLocally.increment();
                return reply(q, Rcode.NOERROR, local, !listener.internal());
            }
        }
        if (listener.internal() || listener.upstreams().isEmpty()) {
            counters.servfail.increment();
            return new Reply(Wire.fail(q, Rcode.SERVFAIL, options.udpPayloadLimit()));
        }
        if (listener.ndotsSet() && (type == Type.A || type == Type.AAAA) && question.getName().labels() == 2) {
            // Docker: with ndots set by the user a bare name is not sent out; the client tries its search list
            counters.answeredLocally.increment();
            return reply(q, Rcode.NOERROR, List.of(), true);
        }
        byte[] wire = len == b.length ? b : java.util.Arrays.copyOf(b, len);
        return new Forward(q, wire);
    }

    private Reply reply(Wire.Query q, int rcode, List<Record> answers, boolean recursion) {
        byte[] wire = Wire.reply(q, rcode, answers, recursion, options.udpPayloadLimit());
        if (Wire.truncated(wire)) counters.truncated.increment();
        return new Reply(wire);
    }

    /** A or AAAA (or ANY) records for a known name, an empty list for a known name without them, null if unknown. */
    private List<Record> forward(Name name, int type, ListenerSpec listener, Map<String, NetworkNames> tables) {
        NetworkNames.Addresses found = lookup(key(name), listener, tables);
        if (found == null) return null;
        List<Record> out = new ArrayList<>();
        long ttl = options.ttlSeconds();
        if (type == Type.A || type == Type.ANY) {
            for (Ipv4Address a : shuffled(found.ipv4())) out.add(new ARecord(name, DClass.IN, ttl, Wire.inet(a)));
        }
        if (type == Type.AAAA || type == Type.ANY) {
            for (Ipv6Address a : shuffled(found.ipv6())) out.add(new AAAARecord(name, DClass.IN, ttl, Wire.inet(a)));
        }
        return out;
    }

    /** A PTR record for a container's address on one of the listener's networks, else null. */
    private List<Record> reverse(Name name, ListenerSpec listener, Map<String, NetworkNames> tables) {
        IpAddress address = ReverseNames.address(name);
        if (address == null) return null;
        for (String network : listener.networks()) {
            NetworkNames t = tables.get(network);
            String target = t == null ? null : t.reverse(address);
            if (target != null) {
                try {
                    return List.of(new PTRRecord(name, DClass.IN, options.ttlSeconds(),
                            Name.fromString(target, Name.root)));
                } catch (TextParseException e) {
                    return null; // cannot happen: the target is made of DnsNames
                }
            }
        }
        return null;
    }

    /** The first of the listener's networks that knows {@code key}, plainly or as {@code name.network}. */
    static NetworkNames.Addresses lookup(String key, ListenerSpec listener, Map<String, NetworkNames> tables) {
        if (key == null) return null;
        for (String network : listener.networks()) {
            NetworkNames t = tables.get(network);
            NetworkNames.Addresses a = t == null ? null : t.find(key);
            if (a != null) return a;
        }
        for (String network : listener.networks()) {
            NetworkNames t = tables.get(network);
            String suffix = t == null ? null : t.networkKey();
            if (suffix != null && key.length() > suffix.length() + 1 && key.endsWith(suffix)
                    && key.charAt(key.length() - suffix.length() - 1) == '.') {
                NetworkNames.Addresses a = t.find(key.substring(0, key.length() - suffix.length() - 1));
                if (a != null) return a;
            }
        }
        return null;
    }

    /**
     * The lower-case text of a query name without the final dot, or null if it cannot be one of ours (a label with
     * a character a {@link org.nlbridge.net.DnsName} cannot hold: dnsjava escapes those, e.g. {@code \.}).
     */
    static String key(Name name) {
        if (name.labels() < 2) return null; // the root
        String s = name.toString(true);
        return s.indexOf('\\') >= 0 ? null : s.toLowerCase(Locale.ROOT);
    }

    private static <T> List<T> shuffled(List<T> list) {
        if (list.size() < 2) return list;
        List<T> copy = new ArrayList<>(list);
        Collections.shuffle(copy, ThreadLocalRandom.current()); // DNS round robin, as Docker does
        return copy;
    }

}
