package org.nlbridge.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Raw bytes to a Unix socket and everything it answers: until it closes, or until there are as many complete final
 * answers (by their Content-Length; a 1xx does not count) as the bytes held request lines. Never by a silence: on a
 * loaded machine the second of two answers may come seconds after the first.
 */
final class Raw {
    private Raw() {}

    /** A request line ({@code GET /x HTTP/1.1}), however malformed the rest is. */
    private static final Pattern REQUEST_LINE = Pattern.compile("(?m)^[A-Z]+ +\\S+ HTTP/\\d\\.\\d\r?$");
    /** How long an exchange may take at most: a bound for a loaded machine, not a pause. */
    private static final long BOUND_NANOS = 60_000_000_000L;

    static String exchange(Path sock, String request) throws IOException {
        int requests = (int) REQUEST_LINE.matcher(request).results().count();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer b = ByteBuffer.allocate(65536);
            ch.configureBlocking(false);
            long end = System.nanoTime() + BOUND_NANOS;
            while (System.nanoTime() < end && (requests == 0 || complete(out.toByteArray()) < requests)) {
                b.clear();
                int n = ch.read(b);
                if (n < 0) break;
                if (n == 0) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    continue;
                }
                out.write(b.array(), 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** How many complete final answers {@code r} holds (one with a body but no Content-Length ends with the connection). */
    private static int complete(byte[] r) {
        String s = new String(r, StandardCharsets.ISO_8859_1);
        int count = 0;
        int at = 0;
        while (true) {
            int head = s.indexOf("\r\n\r\n", at);
            if (head < 0) return count;
            String h = s.substring(at, head);
            Matcher m = Pattern.compile("(?im)^Content-Length: *(\\d+)\r?$").matcher(h);
            boolean informational = h.startsWith("HTTP/1.1 1");
            boolean noBody = informational || h.startsWith("HTTP/1.1 204 ") || h.startsWith("HTTP/1.1 304 ");
            long length = m.find() ? Long.parseLong(m.group(1)) : noBody ? 0 : -1;
            if (length < 0 || head + 4 + length > s.length()) return count;
            at = (int) (head + 4 + length);
            if (!informational) count++;
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
