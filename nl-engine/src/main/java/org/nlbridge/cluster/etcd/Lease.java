package org.nlbridge.cluster.etcd;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A lease kept alive by a background thread: a keep-alive every third of its time to live, retried every half
 * second while the store is unreachable. It is lost when etcd says it is gone (expired, revoked) or when no
 * keep-alive has reached the store for a whole time to live, counted from the send time of the last one that did
 * (so our clock never says "alive" after etcd's says "expired"); then {@link #lost()} completes with the reason
 * and the thread stops. Keys put with {@link #id()} are deleted by etcd when the lease goes.
 */
public final class Lease implements AutoCloseable {
    private static final long RETRY_MS = 500;

    private final EtcdClient client;
    private final long id;
    private final long ttlSeconds;
    private final CompletableFuture<LeaseLostException> lost = new CompletableFuture<>();
    private final Thread thread;
    private volatile long expiresAt;
    private volatile boolean stopped;

    Lease(EtcdClient client, long id, long ttlSeconds, long renewedAt) {
        this.client = client;
        this.id = id;
        this.ttlSeconds = ttlSeconds;
        this.expiresAt = renewedAt + TimeUnit.SECONDS.toNanos(ttlSeconds);
        this.thread = Thread.ofPlatform().daemon().name("etcd-lease-" + Long.toHexString(id)).unstarted(this::keepAlive);
    }

    void start() {
        thread.start();
    }

    public long id() {
        return id;
    }

    /** The time to live etcd granted (it may round a short one up). */
    public Duration ttl() {
        return Duration.ofSeconds(ttlSeconds);
    }

    /** Not lost so far (as far as the last keep-alive knows). */
    public boolean alive() {
        return !lost.isDone();
    }

    /** Completes, with the reason, when the lease is lost; never completes for a lease stopped or revoked by us. */
    public CompletableFuture<LeaseLostException> lost() {
        return lost;
    }

    /** Stops the keep-alives and leaves the lease to expire, or to be taken over by {@link EtcdClient#keepAlive}. */
    public void stopKeepAlive() {
        stopped = true;
        thread.interrupt();
        client.forget(this);
    }

    /** Stops the keep-alives and revokes the lease: its keys go now. */
    public void revoke() {
        stopKeepAlive();
        client.revoke(id);
    }

    /** {@link #revoke()}, best effort: if the store cannot be reached the lease expires on its own. */
    @Override
    public void close() {
        stopKeepAlive();
        try {
            client.revoke(id);
        } catch (EtcdException e) {
            // it expires after its time to live
        }
    }

    private void keepAlive() {
        long interval = Math.max(RETRY_MS, TimeUnit.SECONDS.toMillis(ttlSeconds) / 3);
        long wait = interval;
        while (!stopped) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                if (stopped) return;
            }
            long sent = System.nanoTime();
            try {
                long ttl = client.keepAliveOnce(id);
                if (stopped) return;
                if (ttl <= 0) {
                    lose("etcd no longer has it (expired or revoked)", null);
                    return;
                }
                expiresAt = sent + TimeUnit.SECONDS.toNanos(ttl);
                wait = interval;
            } catch (EtcdException e) {
                if (stopped) return;
                if (System.nanoTime() - expiresAt >= 0) {
                    lose("no keep-alive reached the store within its time to live of " + ttlSeconds + "s", e);
                    return;
                }
                wait = RETRY_MS;
            }
        }
    }

    private void lose(String why, Throwable cause) {
        client.forget(this);
        lost.complete(new LeaseLostException(id, why, cause));
    }
}
