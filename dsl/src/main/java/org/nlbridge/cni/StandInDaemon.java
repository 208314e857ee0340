package org.nlbridge.cni;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the daemon while the plugin's AOT cache is trained: accepts on a Unix socket, reads one HTTP request
 * per connection up to its body's end and answers {@code 200 {}}. Nothing about the request is interpreted.
 */
final class StandInDaemon implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path socket;
    private final Thread thread;
    private final AtomicInteger calls = new AtomicInteger();

    private StandInDaemon(ServerSocketChannel server, Path socket) {
        this.server = server;
        this.socket = socket;
        this.thread = Thread.ofPlatform().daemon().name("nlbridge-cni-standin").start(this::serve);
    }

    static StandInDaemon listen(Path socket) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(socket));
        return new StandInDaemon(s, socket);
    }

    int calls() {
        return calls.get();
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                ByteBuffer in = ByteBuffer.allocate(1 << 20);
                while (c.read(in) >= 0 && !complete(in)) {
                    if (!in.hasRemaining()) break;
                }
                byte[] body = "{}\n".getBytes(StandardCharsets.UTF_8);
                String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n";
                c.write(ByteBuffer.wrap((head + "{}\n").getBytes(StandardCharsets.UTF_8)));
                calls.incrementAndGet();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Whether the request in {@code in} has its whole body (by its Content-Length). */
    private static boolean complete(ByteBuffer in) {
        String s = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1);
        int end = s.indexOf("\r\n\r\n");
        if (end < 0) return false;
        for (String line : s.substring(0, end).split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                return s.length() - end - 4 >= Integer.parseInt(line.substring(15).strip());
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
