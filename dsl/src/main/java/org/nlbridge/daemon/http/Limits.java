package org.nlbridge.daemon.http;

import java.time.Duration;

import org.nlbridge.net.ValidationException;

/**
 * The server's budgets, each with the {@code nlbridge daemon} flag that sets it (named in a 503's message). A
 * connection counts against {@code connections}; while it is answering a request it also counts against
 * {@code requests} (or one of the two reserves: {@code /_ping} and {@code version}, which wait for nothing, and
 * {@code status}), while it follows an event stream against {@code streams}. A client is a Unix peer's user (SO_PEERCRED) or a TCP peer's address.
 *
 * <p>A connection that is only waiting (for a request, or idle between requests) gives way: when a budget of
 * connections is full, the connection that has waited longest is closed for the newcomer. Requests, streams and the
 * reserve together stay below the connection budgets (checked here), so a new connection always gets in and
 * {@code /_ping} and {@code status} are always answered, whatever the other clients hold. A request that finds the
 * requests budget full waits for room, in as many connections as the budgets leave ({@link #queuedPerClient()});
 * only beyond that is it refused.
 *
 * @param connections          open connections in all ({@code --max-connections})
 * @param connectionsPerClient open connections of one client ({@code --max-connections-per-client})
 * @param requests             requests being answered at once, streams aside ({@code --max-requests})
 * @param requestsPerClient    of one client ({@code --max-requests-per-client})
 * @param streams              event streams open at once ({@code --max-streams})
 * @param streamsPerClient     of one client ({@code --max-streams-per-client})
 * @param reserved             {@code /_ping} and {@code version} answered at once, and as many {@code status}
 *                             requests, beside the requests budget ({@code --reserved-requests})
 * @param headerTimeout        from a request's first byte (a new connection's: from its accept) to the end of its
 *                             head ({@code --header-timeout}); a slow sender is closed then
 * @param bodyTimeout          from the end of a head to the end of its body ({@code --body-timeout})
 * @param idleTimeout          how long a connection may wait for its next request ({@code --idle-timeout})
 * @param writeTimeout         how long one write to a client may block (a client that stopped reading)
 *                             ({@code --write-timeout})
 * @param backlog              the listen backlog of each socket ({@code --backlog}; the kernel caps it at
 *                             {@code net.core.somaxconn})
 */
public record Limits(int connections, int connectionsPerClient, int requests, int requestsPerClient, int streams,
                     int streamsPerClient, int reserved, Duration headerTimeout, Duration bodyTimeout,
                     Duration idleTimeout, Duration writeTimeout, int backlog) {

    public static final Limits DEFAULTS = new Limits(1024, 256, 64, 16, 256, 64, 16, Duration.ofSeconds(20),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(30), 1024);

    public Limits {
        positive("--max-connections", connections);
        positive("--max-connections-per-client", connectionsPerClient);
        positive("--max-requests", requests);
        positive("--max-requests-per-client", requestsPerClient);
        positive("--max-streams", streams);
        positive("--max-streams-per-client", streamsPerClient);
        positive("--reserved-requests", reserved);
        positive("--backlog", backlog);
        atMost("--max-connections-per-client", connectionsPerClient, "--max-connections", connections);
        atMost("--max-requests-per-client", requestsPerClient, "--max-requests", requests);
        atMost("--max-streams-per-client", streamsPerClient, "--max-streams", streams);
        int busy = requests + streams + 2 * reserved;
        if (connections <= busy) {
            throw new ValidationException("--max-connections", Integer.toString(connections),
                    "not above --max-requests + --max-streams + 2 x --reserved-requests (" + busy
                            + "), so busy connections could leave no room for a new one", "more than " + busy);
        }
        int busyOne = requestsPerClient + streamsPerClient + 2 * reserved;
        if (connectionsPerClient <= busyOne) {
            throw new ValidationException("--max-connections-per-client", Integer.toString(connectionsPerClient),
                    "not above --max-requests-per-client + --max-streams-per-client + 2 x --reserved-requests ("
                            + busyOne + "), so one client's busy connections could leave it no room for /_ping",
                    "more than " + busyOne);
        }
        duration("--header-timeout", headerTimeout);
        duration("--body-timeout", bodyTimeout);
        duration("--idle-timeout", idleTimeout);
        duration("--write-timeout", writeTimeout);
    }

    /**
     * How many requests of one client may wait for room in the requests budget (a burst of complete requests, such
     * as a runtime's parallel CNI ADDs, waits rather than being refused): what the per-client connection budget
     * leaves beside its busy connections, less one, so a waiting request never keeps the client from {@code /_ping}.
     */
    public int queuedPerClient() {
        return connectionsPerClient - (requestsPerClient + streamsPerClient + 2 * reserved) - 1;
    }

    /** As {@link #queuedPerClient()}, of all clients together: what the connection budget leaves, less one. */
    public int queued() {
        return connections - (requests + streams + 2 * reserved) - 1;
    }

    private static void positive(String flag, int n) {
        if (n < 1 || n > 1_000_000) {
            throw new ValidationException(flag, Integer.toString(n), "outside 1..1000000", "a whole number 1..1000000");
        }
    }

    private static void atMost(String flag, int n, String totalFlag, int total) {
        if (n > total) {
            throw new ValidationException(flag, Integer.toString(n), "above " + totalFlag + " " + total,
                    "at most " + total);
        }
    }

    private static void duration(String flag, Duration d) {
        if (d == null || d.compareTo(Duration.ofMillis(100)) < 0 || d.compareTo(Duration.ofDays(1)) > 0) {
            throw new ValidationException(flag, d == null ? null : show(d), "outside 100ms..1 day", "a duration like 10s, 500ms or 2m");
        }
    }

    /** A duration as the flags take it: {@code 10 s}, {@code 500 ms}, {@code 2 min}. */
    public static String show(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms >= 60_000) return ms / 60_000 + " min";
        if (ms % 1000 == 0) return ms / 1000 + " s";
        return ms + " ms";
    }
}
