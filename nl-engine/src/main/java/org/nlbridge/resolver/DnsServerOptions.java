package org.nlbridge.resolver;

import java.time.Duration;

import org.nlbridge.net.ValidationException;

/**
 * The bounds of a {@link DnsServer}. Every resource a client can make the server spend has a limit here; the
 * defaults suit a host with hundreds of containers.
 *
 * @param udpPayloadLimit        the most bytes of a UDP answer, whatever EDNS size a client asks for (the 2020 DNS
 *                               flag day's 1232); a client without EDNS gets at most 512; bigger answers are truncated
 *                               (TC), and the client retries over TCP
 * @param maxQueryBytes          a longer query is dropped (UDP) or ends the connection (TCP)
 * @param queriesPerSecond       the steady rate of each listener's token bucket (UDP and TCP together)
 * @param burst                  the bucket's size; a query over the rate is dropped (UDP) or ends the connection
 * @param maxInFlight            forwarded queries waiting for an upstream, all listeners together (Docker: 1024);
 *                               over it a query gets REFUSED, as in Docker
 * @param maxInFlightPerListener the same for one listener, so one container cannot use them all
 * @param upstreamTimeout        how long one upstream may take (Docker: 4 s) before the next is tried
 * @param maxUpstreams           how many upstreams one query tries (Docker: 3)
 * @param upstreamSockets        UDP sockets forwarded queries leave from, each on a random port
 * @param tcpConnectionsPerListener open TCP connections of one listener; more are closed at once
 * @param tcpConnections         open TCP connections of all listeners
 * @param tcpIdleTimeout         a TCP connection without a complete query for this long is closed; also the most a
 *                               write to a client that does not read may block
 * @param ttlSeconds             the TTL of the server's own answers (Docker: 600)
 */
public record DnsServerOptions(int udpPayloadLimit, int maxQueryBytes, int queriesPerSecond, int burst,
                               int maxInFlight, int maxInFlightPerListener, Duration upstreamTimeout, int maxUpstreams,
                               int upstreamSockets, int tcpConnectionsPerListener, int tcpConnections,
                               Duration tcpIdleTimeout, int ttlSeconds) {

    /** The smallest UDP payload every DNS client accepts (RFC 1035). */
    public static final int MIN_UDP = 512;

    public static final DnsServerOptions DEFAULTS = new DnsServerOptions(1232, 1232, 5000, 10000, 1024, 256,
            Duration.ofSeconds(4), 3, 8, 16, 1024, Duration.ofSeconds(10), 600);

    public DnsServerOptions {
        range("udpPayloadLimit", udpPayloadLimit, MIN_UDP, 65535);
        range("maxQueryBytes", maxQueryBytes, 17, 65535); // header + root name + type + class
        range("queriesPerSecond", queriesPerSecond, 1, 10_000_000);
        range("burst", burst, 1, 100_000_000);
        range("maxInFlight", maxInFlight, 1, 65536);
        range("maxInFlightPerListener", maxInFlightPerListener, 1, 65536);
        range("upstreamTimeout (ms)", upstreamTimeout.toMillis(), 1, 60_000);
        range("maxUpstreams", maxUpstreams, 1, 16);
        range("upstreamSockets", upstreamSockets, 1, 256);
        range("tcpConnectionsPerListener", tcpConnectionsPerListener, 1, 65536);
        range("tcpConnections", tcpConnections, 1, 1 << 20);
        range("tcpIdleTimeout (ms)", tcpIdleTimeout.toMillis(), 1, 3_600_000);
        range("ttlSeconds", ttlSeconds, 0, Integer.MAX_VALUE);
    }

    private static void range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ValidationException(field, Long.toString(value), "outside " + min + ".." + max,
                    "a whole number " + min + ".." + max);
        }
    }

    public DnsServerOptions withRate(int perSecond, int burstSize) {
        return new DnsServerOptions(udpPayloadLimit, maxQueryBytes, perSecond, burstSize, maxInFlight,
                maxInFlightPerListener, upstreamTimeout, maxUpstreams, upstreamSockets, tcpConnectionsPerListener,
                tcpConnections, tcpIdleTimeout, ttlSeconds);
    }

    public DnsServerOptions withUpstreamTimeout(Duration timeout) {
        return new DnsServerOptions(udpPayloadLimit, maxQueryBytes, queriesPerSecond, burst, maxInFlight,
                maxInFlightPerListener, timeout, maxUpstreams, upstreamSockets, tcpConnectionsPerListener,
                tcpConnections, tcpIdleTimeout, ttlSeconds);
    }

    public DnsServerOptions withInFlight(int total, int perListener) {
        return new DnsServerOptions(udpPayloadLimit, maxQueryBytes, queriesPerSecond, burst, total, perListener,
                upstreamTimeout, maxUpstreams, upstreamSockets, tcpConnectionsPerListener, tcpConnections,
                tcpIdleTimeout, ttlSeconds);
    }

    public DnsServerOptions withTcp(int perListener, int total, Duration idleTimeout) {
        return new DnsServerOptions(udpPayloadLimit, maxQueryBytes, queriesPerSecond, burst, maxInFlight,
                maxInFlightPerListener, upstreamTimeout, maxUpstreams, upstreamSockets, perListener, total,
                idleTimeout, ttlSeconds);
    }
}
