package org.nlbridge.resolver;

/**
 * What a {@link DnsServer} has done since it started: counts of queries by outcome, and the current listeners and
 * forwarded queries in flight. A query is counted once under {@code queries} and once more under its outcome.
 *
 * @param queries          queries received (UDP datagrams and TCP messages), malformed and rate-limited ones included
 * @param answeredLocally  answered from the network tables (names, aliases, PTR; an empty answer for a known name)
 * @param forwarded        sent to an upstream
 * @param upstreamAnswers  upstream answers relayed to the client
 * @param upstreamTimeouts upstream attempts that timed out
 * @param upstreamErrors   upstream attempts that failed otherwise (unreachable, SERVFAIL/REFUSED, a bad answer)
 * @param servfail         SERVFAIL sent: no upstream answered, or forwarding is off (internal networks)
 * @param refused          REFUSED sent: the in-flight limit was reached
 * @param rateLimited      dropped by the listener's token bucket
 * @param malformed        not a well-formed single-question query: FORMERR or NOTIMP sent, or dropped
 * @param truncated        answers cut to the client's UDP size, with TC set
 * @param dropped          not answered for other reasons (a response sent to us, a full send buffer)
 * @param tcpConnections   TCP connections accepted
 * @param tcpRejected      TCP connections closed at once: over a connection limit or not from loopback
 * @param internalErrors   unexpected failures while handling a packet (the server went on)
 */
public record DnsStats(long queries, long answeredLocally, long forwarded, long upstreamAnswers,
                       long upstreamTimeouts, long upstreamErrors, long servfail, long refused, long rateLimited,
                       long malformed, long truncated, long dropped, long tcpConnections, long tcpRejected,
                       long internalErrors, int listeners, int inFlight) {}
