package org.nlbridge.daemon.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One accepted connection as the server keeps track of it: whose it is, what it is doing, until when it may do it.
 * Its streams note when a request's first byte arrives (the header deadline starts then) and how long a write has
 * been blocked (a client that stopped reading), for the server's watchdog.
 */
final class Slot implements Conn {

    enum State {
        /** Accepted, nothing read yet: the header deadline runs from the accept. */
        FRESH,
        /** Between requests (keep-alive): the idle deadline. */
        IDLE,
        /** Reading a request head: the header deadline. */
        HEAD,
        /** Waiting for room in the requests budget (its body unread, or read after a revoked admission): no deadline. */
        QUEUED,
        /** Admitted, reading the body: the body deadline. */
        BODY,
        /** Answering: no read deadline, the write deadline only. */
        BUSY,
        /** Following an event stream: as BUSY, for as long as the client stays. */
        STREAM
    }

    private final Conn conn;
    private final String client;
    private final Limits limits;
    private final InputStream in = new In();
    private final OutputStream out = new Out();
    private volatile State state = State.FRESH;
    /** System.nanoTime() by which the current read phase must end; meaningful in FRESH, IDLE, HEAD and BODY. */
    private volatile long deadline;
    /** When the connection started waiting (accept, end of the last answer): who waited longest gives way first. */
    private volatile long waitingSince;
    private volatile long writingSince;
    private volatile long admittedAt;
    private volatile boolean timedOut;
    /** The budget the current request was admitted to (null between requests); guarded by the Admission. */
    RequestKind kind;
    /** Released from the Admission's counts (closed, or evicted); guarded by the Admission. */
    boolean released;
    /** Why the admission of the request whose body this connection reads was revoked, or null. */
    private volatile String revoked;

    Slot(Conn conn, Limits limits, long now) {
        this.conn = conn;
        this.client = conn.client();
        this.limits = limits;
        this.waitingSince = now;
        this.deadline = now + limits.headerTimeout().toNanos();
    }

    State state() {
        return state;
    }

    long waitingSince() {
        return waitingSince;
    }

    /** When the current request was admitted: a budget full of requests still reading their bodies evicts the oldest. */
    long admittedAt() {
        return admittedAt;
    }

    boolean waiting() {
        State s = state;
        return s == State.FRESH || s == State.IDLE || s == State.HEAD;
    }

    /** The head is read and the request admitted: its body must follow within the body timeout. */
    void admitted(long now) {
        admittedAt = now;
        deadline = now + limits.bodyTimeout().toNanos();
        state = State.BODY;
    }

    /** The request waits for room in the requests budget. */
    void queued() {
        state = State.QUEUED;
    }

    /**
     * The admission of the request whose body is being read was revoked for a newer one ({@code why}: the full
     * budget): reading stops. A body already buffered (it came with the head, as a CNI plugin sends it) is read all
     * the same, and the request waits for room again; the rest of a body is not read (the JDK's channel reports the
     * end of the stream at once), and the request is answered 503.
     */
    void revoked(String why) {
        revoked = why;
    }

    /** Why this connection's admission was revoked (it is answered 503 if its body never came), or null. */
    String revokedFor() {
        return revoked;
    }

    /** The request is read: no read deadline while it is answered. */
    void answering(boolean stream) {
        state = stream ? State.STREAM : State.BUSY;
    }

    /** The answer is sent: the connection waits for the next request. */
    void idle(long now) {
        waitingSince = now;
        deadline = now + limits.idleTimeout().toNanos();
        state = State.IDLE;
    }

    /** Whether the watchdog ended a read phase (the serve thread then explains with a 408 where it can). */
    boolean timedOut() {
        return timedOut;
    }

    /**
     * The watchdog's look at this connection: ends a read phase past its deadline and a write blocked for longer
     * than the write timeout. Returns whether it ended something.
     */
    boolean check(long now) {
        long w = writingSince;
        if (w != 0 && now - w > limits.writeTimeout().toNanos()) {
            close(); // the client stopped reading
            return true;
        }
        State s = state;
        if ((s == State.FRESH || s == State.IDLE || s == State.HEAD || s == State.BODY) && now - deadline > 0) {
            timedOut = true;
            if (s == State.HEAD || s == State.BODY) conn.stopReading(); // the serve thread answers 408
            else close();
            return true;
        }
        return false;
    }

    /** Why the read phase ended, for the 408. */
    String timeoutMessage() {
        return state == State.BODY
                ? "the request body did not arrive within " + Limits.show(limits.bodyTimeout()) + " (--body-timeout)"
                : "the request head did not arrive within " + Limits.show(limits.headerTimeout()) + " (--header-timeout)";
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public String peer() {
        return conn.peer();
    }

    @Override
    public String client() {
        return client;
    }

    @Override
    public void stopReading() {
        conn.stopReading();
    }

    @Override
    public void close() {
        conn.close();
    }

    private void received() {
        if (state == State.IDLE) { // the first byte of the next request: its head has the header timeout from now
            deadline = System.nanoTime() + limits.headerTimeout().toNanos();
            state = State.HEAD;
        } else if (state == State.FRESH) { // the first request's head counts from the accept
            state = State.HEAD;
        }
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            int b = conn.in().read();
            if (b >= 0) received();
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = conn.in().read(b, off, len);
            if (n > 0) received();
            return n;
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            writingSince = System.nanoTime();
            try {
                conn.out().write(b);
            } finally {
                writingSince = 0;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writingSince = System.nanoTime();
            try {
                conn.out().write(b, off, len);
            } finally {
                writingSince = 0;
            }
        }

        @Override
        public void flush() throws IOException {
            writingSince = System.nanoTime();
            try {
                conn.out().flush();
            } finally {
                writingSince = 0;
            }
        }
    }
}
