package org.nlbridge.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Raw bytes to a Unix socket and everything it answers until it closes (or a second passes in silence after the answer began). */
final class Raw {
    private Raw() {}

    static String exchange(Path sock, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            StringBuilder out = new StringBuilder();
            ByteBuffer b = ByteBuffer.allocate(65536);
            ch.configureBlocking(false);
            long idleSince = System.nanoTime();
            // a loaded machine may take a while to answer at all; after the first bytes, a second of silence ends it
            while (System.nanoTime() - idleSince < (out.isEmpty() ? 15_000_000_000L : 1_000_000_000L)) {
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
                out.append(new String(b.array(), 0, n, StandardCharsets.UTF_8));
                idleSince = System.nanoTime();
            }
            return out.toString();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
