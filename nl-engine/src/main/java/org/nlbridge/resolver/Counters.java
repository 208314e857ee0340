package org.nlbridge.resolver;

import java.util.concurrent.atomic.LongAdder;

/** The server's running counts, bumped from the loop and the TCP threads alike. */
final class Counters {
    final LongAdder queries = new LongAdder();
    final LongAdder answeredLocally = new LongAdder();
    final LongAdder forwarded = new LongAdder();
    final LongAdder upstreamAnswers = new LongAdder();
    final LongAdder upstreamTimeouts = new LongAdder();
    final LongAdder upstreamErrors = new LongAdder();
    final LongAdder servfail = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder truncated = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder tcpConnections = new LongAdder();
    final LongAdder tcpRejected = new LongAdder();
    final LongAdder internalErrors = new LongAdder();

    DnsStats snapshot(int listeners, int inFlight) {
        return new DnsStats(queries.sum(), answeredLocally.sum(), forwarded.sum(), upstreamAnswers.sum(),
                upstreamTimeouts.sum(), upstreamErrors.sum(), servfail.sum(), refused.sum(), rateLimited.sum(),
                malformed.sum(), truncated.sum(), dropped.sum(), tcpConnections.sum(), tcpRejected.sum(),
                internalErrors.sum(), listeners, inFlight);
    }
}
