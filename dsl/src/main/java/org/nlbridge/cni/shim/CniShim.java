package org.nlbridge.cni.shim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The CNI plugin executable ({@code type: "nlbridge"}): a thin client of the nlbridge daemon, the Multus-thick
 * pattern. It answers {@code VERSION} itself (runtimes probe it with dummy parameters, and it must work while the
 * daemon is down), and forwards every other call, its {@code CNI_*} environment and its stdin, as
 * {@code POST /v1/cni} over the daemon's Unix socket (the network config's {@code socket}, default
 * {@value #DEFAULT_SOCKET}); it prints the daemon's answer and exits 0 on success, 1 on a CNI error.
 *
 * <p>Started once per call, so it is written for start-up time: java.base only (nothing else is on its class path),
 * no lambdas, no string concatenation through {@code invokedynamic}, no records (their bootstrap methods cost
 * milliseconds on first use; a test checks the class files hold no {@code invokedynamic}), hand-written HTTP/1.1
 * and JSON scanning. When the daemon cannot be reached the answer is CNI error 11 (try again later), or 50 for
 * {@code STATUS} (the plugin cannot serve ADD).
 */
public final class CniShim {
    private CniShim() {}

    /** The CNI spec versions nlbridge speaks; the daemon's {@code CniVersion} has the same list. */
    static final String[] VERSIONS = {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"};
    static final String LATEST = "1.1.0";
    static final String DEFAULT_SOCKET = "/run/nlbridge.sock";
    /** Far above any config a runtime sends (the daemon's own limit on a request body is 16 MiB). */
    static final int MAX_STDIN = 4 << 20;

    /** The header the daemon's {@code /v1/cni} sets on a CNI error document (its value: the code). */
    static final String ERROR_HEADER = "cni-error:";

    static final int TRY_AGAIN_LATER = 11;
    static final int NOT_AVAILABLE = 50;
    static final int IO_FAILURE = 5;
    static final int INVALID_CONFIG = 7;
    static final int DAEMON_REFUSED = 100;

    public static void main(String[] args) throws IOException {
        byte[] stdin;
        String command = System.getenv("CNI_COMMAND");
        if (command == null || command.isEmpty()) {
            about(System.err);
            return;
        }
        try {
            stdin = readBounded(System.in);
        } catch (IOException e) {
            stdin = null;
        }
        int rc = run(System.getenv(), stdin, System.out);
        System.out.flush();
        System.exit(rc);
    }

    static void about(PrintStream err) {
        StringBuilder b = new StringBuilder("nlbridge CNI plugin: forwards ADD, DEL, CHECK, GC and STATUS to the nlbridge daemon")
                .append(" (network config key \"socket\", default unix://").append(DEFAULT_SOCKET).append(")\n")
                .append("CNI protocol versions supported: ");
        for (int i = 0; i < VERSIONS.length; i++) b.append(i == 0 ? "" : ", ").append(VERSIONS[i]);
        err.println(b);
    }

    /**
     * One call: {@code env} and {@code stdin} as the runtime gave them (stdin null: it could not be read); writes
     * what the runtime reads to {@code out} and returns the exit status.
     */
    static int run(Map<String, String> env, byte[] stdin, OutputStream out) throws IOException {
        String command = env.get("CNI_COMMAND");
        String version = stdin == null ? null : Json.topLevelString(stdin, "cniVersion");
        String answerVersion = supported(version) ? version : LATEST;
        if (stdin == null) {
            return fail(out, answerVersion, IO_FAILURE, "cannot read the network config from stdin",
                    "stdin was unreadable or larger than " + MAX_STDIN + " bytes");
        }
        if ("VERSION".equals(command)) {
            StringBuilder b = new StringBuilder(128).append("{\"cniVersion\":");
            Json.quote(b, answerVersion);
            b.append(",\"supportedVersions\":[");
            for (int i = 0; i < VERSIONS.length; i++) {
                if (i > 0) b.append(',');
                Json.quote(b, VERSIONS[i]);
            }
            b.append("]}\n");
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            return 0;
        }
        String socket = Json.topLevelString(stdin, "socket");
        String path;
        if (socket == null) {
            path = DEFAULT_SOCKET;
        } else if (socket.startsWith("unix:///") && socket.indexOf('\0') < 0) {
            path = socket.substring("unix://".length());
        } else {
            return fail(out, answerVersion, INVALID_CONFIG, new StringBuilder("invalid network config: socket \"")
                    .append(socket).append("\": not a unix:// address").toString(),
                    "the CNI plugin reaches the daemon over a Unix socket: unix:///absolute/path.sock (default unix://"
                            .concat(DEFAULT_SOCKET).concat(")"));
        }
        byte[] body = requestBody(env, stdin);
        Response r;
        try {
            r = exchange(path, body);
            // the daemon's budgets are full (503 with Retry-After: more of a runtime's parallel ADDs, all of one user,
            // than may wait for its engine): ask again when it says, as long as a runtime waits for a plugin; a daemon
            // going down says no Retry-After
            long deadline = System.nanoTime() + BUSY_WAIT_NANOS;
            while (r.status == 503 && r.busy) {
                long wait = r.retryAfterMillis + ThreadLocalRandom.current().nextLong(100); // not all at once again
                if (System.nanoTime() + wait * 1_000_000 - deadline > 0) break;
                sleep(wait);
                r = exchange(path, body);
            }
        } catch (IOException e) {
            boolean status = "STATUS".equals(command);
            return fail(out, answerVersion, status ? NOT_AVAILABLE : TRY_AGAIN_LATER,
                    new StringBuilder("the nlbridge daemon at unix://").append(path).append(" cannot be reached: ")
                            .append(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()).toString(),
                    "start it with: nlbridge daemon -H unix://".concat(path));
        }
        if (r.status == 200) {
            out.write(r.body);
            return 0;
        }
        if (r.cniError) {
            out.write(r.body);
            return 1;
        }
        // not an answer of /v1/cni: a daemon shutting down (503), or one too old to know the route (404)
        String text = new String(r.body, StandardCharsets.UTF_8);
        return fail(out, answerVersion, r.status == 503 ? TRY_AGAIN_LATER : DAEMON_REFUSED,
                new StringBuilder("the nlbridge daemon at unix://").append(path).append(" refused the call: HTTP ")
                        .append(r.status).toString(), text.strip());
    }

    static boolean supported(String version) {
        if (version == null) return false;
        for (String v : VERSIONS) if (v.equals(version)) return true;
        return false;
    }

    /** Writes a CNI error document; returns the exit status 1. */
    static int fail(OutputStream out, String version, int code, String msg, String details) throws IOException {
        StringBuilder b = new StringBuilder(256).append("{\"cniVersion\":");
        Json.quote(b, version);
        b.append(",\"code\":").append(code).append(",\"msg\":");
        Json.quote(b, msg);
        if (details != null && !details.isEmpty()) {
            b.append(",\"details\":");
            Json.quote(b, details);
        }
        b.append("}\n");
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        return 1;
    }

    /** {@code {"env":{CNI_*...},"stdin":"<base64>"}}. */
    static byte[] requestBody(Map<String, String> env, byte[] stdin) {
        StringBuilder b = new StringBuilder(stdin.length * 4 / 3 + 512).append("{\"env\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            if (!e.getKey().startsWith("CNI_")) continue;
            if (!first) b.append(',');
            first = false;
            Json.quote(b, e.getKey());
            b.append(':');
            Json.quote(b, e.getValue());
        }
        b.append("},\"stdin\":\"").append(Base64.getEncoder().encodeToString(stdin)).append("\"}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] readBounded(InputStream in) throws IOException {
        byte[] b = in.readNBytes(MAX_STDIN + 1);
        if (b.length > MAX_STDIN) throw new IOException("stdin larger than " + MAX_STDIN + " bytes");
        return b;
    }

    /** What the daemon answered. */
    static final class Response {
        final int status;
        final boolean cniError;
        /** A {@code Retry-After} came with it: the daemon is busy, not going away. */
        final boolean busy;
        /** When to ask again, from {@code Retry-After} in seconds (1 s if it is not a number of 0..60). */
        final long retryAfterMillis;
        final byte[] body;

        Response(int status, boolean cniError, boolean busy, long retryAfterMillis, byte[] body) {
            this.status = status;
            this.cniError = cniError;
            this.busy = busy;
            this.retryAfterMillis = retryAfterMillis;
            this.body = body;
        }
    }

    /** How long a call keeps asking a busy daemon (runtimes give a plugin minutes). */
    static final long BUSY_WAIT_NANOS = 60_000_000_000L;

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the daemon was busy");
        }
    }

    /** One request on a fresh connection ({@code Connection: close}: the answer ends where the stream ends). */
    static Response exchange(String socketPath, byte[] body) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socketPath));
            String head = new StringBuilder(160).append("POST /v1/cni HTTP/1.1\r\nHost: nlbridge\r\n")
                    .append("Content-Type: application/json\r\nConnection: close\r\nContent-Length: ")
                    .append(body.length).append("\r\n\r\n").toString();
            ByteBuffer[] bufs = {ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)), ByteBuffer.wrap(body)};
            while (bufs[1].hasRemaining()) ch.write(bufs);
            ByteArrayOutputStream got = new ByteArrayOutputStream(4096);
            ByteBuffer in = ByteBuffer.allocate(16384);
            while (ch.read(in) >= 0) {
                got.write(in.array(), 0, in.position());
                in.clear();
            }
            return parse(got.toByteArray());
        }
    }

    /** Splits a response into status, the CNI-error mark and the body (by Content-Length, or to the end). */
    static Response parse(byte[] r) throws IOException {
        int end = -1;
        for (int i = 0; i + 3 < r.length; i++) {
            if (r[i] == '\r' && r[i + 1] == '\n' && r[i + 2] == '\r' && r[i + 3] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) throw new IOException("the daemon's answer has no complete HTTP header");
        String[] lines = new String(r, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        int code;
        try {
            code = status.length >= 2 && status[0].startsWith("HTTP/1.") ? Integer.parseInt(status[1]) : -1;
        } catch (NumberFormatException e) {
            code = -1;
        }
        if (code < 100) throw new IOException("the daemon's answer is not HTTP/1.1: ".concat(lines[0]));
        boolean cniError = false;
        boolean busy = false;
        long retryAfter = 1000;
        int length = -1;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i].toLowerCase(java.util.Locale.ROOT);
            if (l.startsWith(ERROR_HEADER)) cniError = true;
            if (l.startsWith("retry-after:")) {
                busy = true;
                String v = l.substring("retry-after:".length()).strip();
                if (v.matches("[0-9]{1,2}") && Integer.parseInt(v) <= 60) retryAfter = Integer.parseInt(v) * 1000L;
            }
            if (l.startsWith("content-length:")) {
                try {
                    length = Integer.parseInt(l.substring("content-length:".length()).strip());
                } catch (NumberFormatException e) {
                    throw new IOException("the daemon's answer has a bad Content-Length: ".concat(lines[i]));
                }
            }
        }
        int start = end + 4;
        int n = length < 0 ? r.length - start : length;
        if (n > r.length - start) throw new IOException("the daemon's answer ended early");
        byte[] body = new byte[n];
        System.arraycopy(r, start, body, 0, n);
        return new Response(code, cniError, busy, retryAfter, body);
    }
}
