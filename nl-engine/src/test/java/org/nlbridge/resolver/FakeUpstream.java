package org.nlbridge.resolver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

import org.nlbridge.net.IpAddress;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A small upstream name server on 127.0.0.1 (UDP and TCP, same port) for tests: {@code *.example.} resolves to
 * 192.0.2.1, {@code big.example.} to 60 addresses (sent whole, whatever the client's size, as some servers do),
 * anything else is NXDOMAIN. {@link Mode} makes it misbehave.
 */
final class FakeUpstream implements AutoCloseable {

    enum Mode { ANSWER, SILENT, SERVFAIL, WRONG_QUESTION }

    volatile Mode mode;
    final AtomicInteger queries = new AtomicInteger();
    private final DatagramChannel udp;
    private final ServerSocketChannel tcp;
    private final Thread udpThread;
    private final Thread tcpThread;

    FakeUpstream(Mode mode) throws IOException {
        this.mode = mode;
        udp = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        tcp = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()));
        udpThread = Thread.ofPlatform().daemon(true).start(this::serveUdp);
        tcpThread = Thread.ofPlatform().daemon(true).start(this::serveTcp);
    }

    int port() {
        return ((InetSocketAddress) udp.socket().getLocalSocketAddress()).getPort();
    }

    Upstream upstream() {
        return new Upstream(IpAddress.parse("dns", "127.0.0.1"), port());
    }

    private void serveUdp() {
        ByteBuffer b = ByteBuffer.allocate(65535);
        while (udp.isOpen()) {
            try {
                b.clear();
                SocketAddress from = udp.receive(b);
                byte[] reply = answer(java.util.Arrays.copyOf(b.array(), b.position()));
                if (reply != null) udp.send(ByteBuffer.wrap(reply), from);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serveTcp() {
        while (tcp.isOpen()) {
            try (SocketChannel c = tcp.accept()) {
                InputStream in = c.socket().getInputStream();
                OutputStream out = c.socket().getOutputStream();
                int len = in.read() << 8 | in.read();
                byte[] reply = answer(in.readNBytes(len));
                if (reply != null) {
                    out.write(new byte[] {(byte) (reply.length >>> 8), (byte) reply.length});
                    out.write(reply);
                }
            } catch (IOException e) {
                if (!tcp.isOpen()) return;
            }
        }
    }

    private byte[] answer(byte[] query) throws IOException {
        queries.incrementAndGet();
        Message q = new Message(query);
        Mode m = mode;
        if (m == Mode.SILENT) return null;
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.RA);
        Record question = q.getQuestion();
        if (m == Mode.WRONG_QUESTION) question = Record.newRecord(Name.fromString("other.example."), Type.A, DClass.IN);
        r.addRecord(question, Section.QUESTION);
        String name = question.getName().toString().toLowerCase();
        if (m == Mode.SERVFAIL) {
            r.getHeader().setRcode(Rcode.SERVFAIL);
        } else if (name.equals("big.example.")) {
            for (int i = 1; i <= 60; i++) {
                r.addRecord(new ARecord(question.getName(), DClass.IN, 60, InetAddress.getByAddress(new byte[] {10, 9, 0, (byte) i})), Section.ANSWER);
            }
        } else if (name.endsWith(".example.") && question.getType() == Type.A) {
            r.addRecord(new ARecord(question.getName(), DClass.IN, 60, InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1})), Section.ANSWER);
        } else {
            r.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        return r.toWire();
    }

    @Override
    public void close() throws Exception {
        udp.close();
        tcp.close();
        udpThread.join(2000);
        tcpThread.join(2000);
    }
}
