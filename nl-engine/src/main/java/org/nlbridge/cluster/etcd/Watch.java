package org.nlbridge.cluster.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One watch on a prefix, run by its own thread: opens {@code /v3/watch} (a stream of JSON messages) on a member,
 * delivers its events, and when the stream ends or breaks opens it again on the next member that answers, from
 * the revision after the last one delivered, so no change is missed or delivered twice. When the history needed
 * has been compacted it reads the prefix afresh and delivers a {@link WatchEvent.Resync}.
 *
 * <p>A member that dies closes its connections (FIN/RST) and the watch moves on at once; a member cut off from
 * the others ends the stream itself after three election timeouts without a leader (every request asks for etcd's
 * "require leader"). A connection that goes silent without either (the client's own link gone) is not probed.
 */
public final class Watch implements AutoCloseable {
    private static final long MAX_BACKOFF_MS = 1000;

    private final EtcdClient client;
    private final Transport transport;
    private final String prefix;
    private final WatchListener listener;
    private final Thread thread;
    private volatile long next;
    private volatile boolean closed;
    private volatile InputStream current;
    private volatile Throwable failure;
    private boolean disconnected;
    private long pendingResync = -1;

    Watch(EtcdClient client, Transport transport, String prefix, long startRevision, WatchListener listener) {
        this.client = client;
        this.transport = transport;
        this.prefix = prefix;
        this.listener = listener;
        this.next = startRevision;
        this.thread = Thread.ofPlatform().daemon().name("etcd-watch-" + prefix).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** The revision the watch continues from: every change before it has been delivered. */
    public long nextRevision() {
        return next;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Why the watch ended on its own: the listener threw. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        InputStream in = current;
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        client.forget(this);
    }

    /** Waits for the watch thread to end (after {@link #close()} or a listener failure). */
    public boolean await(java.time.Duration timeout) throws InterruptedException {
        return thread.join(timeout);
    }

    private void run() {
        long backoff = 50;
        while (!closed) {
            try {
                if (pendingResync >= 0) resync();
                if (stream()) backoff = 50;
            } catch (EtcdException e) {
                lost(e);
            } catch (IOException e) {
                lost(new StoreUnavailableException("watch " + prefix, List.of("stream broken: " + e), false, e));
            } catch (ListenerFailed e) {
                failure = e.getCause();
                closed = true;
                client.forget(this);
                return;
            }
            if (closed) return;
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }

    /** Runs one stream to its end; true if it was established (the next failure starts a fresh backoff). */
    private boolean stream() throws IOException {
        ObjectNode create = Codec.range(prefix, true, false, 0, 0);
        create.remove("revision");
        create.put("start_revision", Long.toString(next)).put("prev_kv", true).put("progress_notify", true);
        String what = "watch " + prefix;
        Transport.Stream s = transport.stream(what, "/v3/watch", (ObjectNode) Codec.object().set("create_request", create));
        current = s.body();
        boolean established = false;
        try (InputStream in = s.body(); MappingIterator<JsonNode> it = Codec.JSON.readerFor(JsonNode.class).readValues(in)) {
            if (closed) return false;
            while (it.hasNextValue()) {
                JsonNode r = Transport.result(what, it.nextValue());
                if (Codec.bool(r, "created")) {
                    established = true;
                    disconnected = false;
                    deliver(new WatchEvent.Connected(s.endpoint(), next));
                }
                if (Codec.bool(r, "canceled")) {
                    long compacted = Codec.int64(r, "compact_revision");
                    if (compacted > 0) {
                        pendingResync = compacted;
                        return established;
                    }
                    throw new EtcdServerException(what, 0, "watch canceled: " + Codec.text(r, "cancel_reason"));
                }
                changes(r);
            }
        } catch (IOException | RuntimeException e) {
            if (closed) return established;
            throw e;
        } finally {
            current = null;
        }
        if (!closed) lost(new StoreUnavailableException(what, List.of(s.endpoint() + ": the stream ended"), false, null));
        return established;
    }

    private void changes(JsonNode r) {
        List<WatchEvent.Change> out = new ArrayList<>();
        long rev = 0;
        for (JsonNode e : Codec.array(r, "events")) {
            String type = Codec.text(e, "type");
            WatchEvent.Change.Type t = switch (type) {
                case "", "PUT" -> WatchEvent.Change.Type.PUT;
                case "DELETE" -> WatchEvent.Change.Type.DELETE;
                default -> throw new MalformedReplyException("watch " + prefix + ": an event of unknown type " + type);
            };
            KeyValue kv = Codec.keyValue(Codec.obj(e, "kv"));
            KeyValue prev = e.has("prev_kv") ? Codec.keyValue(Codec.obj(e, "prev_kv")) : null;
            out.add(new WatchEvent.Change(t, kv, prev));
            rev = Math.max(rev, kv.modRevision());
        }
        if (out.isEmpty()) return; // created, or a progress notification: nothing to deliver
        deliver(new WatchEvent.Changes(out, rev));
        next = rev + 1;
    }

    private void resync() {
        RangeResult snap = client.getPrefix(prefix);
        deliver(new WatchEvent.Resync(pendingResync, snap.kvs(), snap.revision()));
        pendingResync = -1;
        next = snap.revision() + 1;
    }

    private void lost(EtcdException cause) {
        if (closed || disconnected) return;
        disconnected = true;
        deliver(new WatchEvent.Disconnected(cause));
    }

    private static final class ListenerFailed extends RuntimeException {
        ListenerFailed(Throwable cause) {
            super(cause);
        }
    }

    private void deliver(WatchEvent e) {
        if (closed) return;
        try {
            listener.onEvent(e);
        } catch (RuntimeException | Error x) {
            throw new ListenerFailed(x);
        }
    }
}
