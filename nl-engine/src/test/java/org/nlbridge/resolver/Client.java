package org.nlbridge.resolver;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;

/** A blocking DNS client for the tests: one query, one reply, or null after the timeout. */
final class Client {
    private Client() {}

    static byte[] udp(InetSocketAddress server, byte[] query, int timeoutMs) throws IOException {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.connect(server);
            c.socket().setSoTimeout(timeoutMs);
            c.write(ByteBuffer.wrap(query));
            byte[] b = new byte[65535];
            java.net.DatagramPacket p = new java.net.DatagramPacket(b, b.length);
            try {
                c.socket().receive(p);
            } catch (SocketTimeoutException | java.net.PortUnreachableException e) {
                return null;
            }
            return java.util.Arrays.copyOf(b, p.getLength());
        }
    }

    static byte[] tcp(InetSocketAddress server, byte[] query, int timeoutMs) throws IOException {
        try (SocketChannel c = SocketChannel.open(server)) {
            return exchange(c, query, timeoutMs);
        }
    }

    /** One framed query on an open connection; null if the server closed it or did not answer in time. */
    static byte[] exchange(SocketChannel c, byte[] query, int timeoutMs) throws IOException {
        c.socket().setSoTimeout(timeoutMs);
        try {
            var out = c.socket().getOutputStream();
            out.write(new byte[] {(byte) (query.length >>> 8), (byte) query.length});
            out.write(query);
            InputStream in = c.socket().getInputStream();
            int hi = in.read();
            int lo = in.read();
            if (hi < 0 || lo < 0) return null;
            return in.readNBytes(hi << 8 | lo);
        } catch (IOException e) {
            return null; // no answer in time, or the server closed the connection (reset)
        }
    }
}
