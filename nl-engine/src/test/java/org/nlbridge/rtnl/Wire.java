package org.nlbridge.rtnl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.netlink.AttrCursor;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.MsgWriter;
import org.nlbridge.netlink.NlTransport;

/** Test helpers: a transport that records requests and acks them all, and a small attribute tree reader. */
final class Wire {
    private Wire() {}

    /** One request as sent: type, flags, payload after the nlmsghdr. */
    record Sent(int type, int flags, int seq, byte[] payload) {}

    /**
     * Acks every request that asks for it, and refuses with the errno from {@link #refuse}, one datagram per answer;
     * records control messages (barriers) too. Never blocks.
     */
    static final class Recorder implements NlTransport {
        final List<Sent> sent = new ArrayList<>();
        final java.util.ArrayDeque<byte[]> queue = new java.util.ArrayDeque<>();
        java.util.function.ToIntFunction<Sent> refuse = s -> 0;

        @Override
        public long send(MemorySegment buffer, long length) {
            byte[] bytes = buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
            for (int at = 0; at + 16 <= length; ) {
                int len = b.getInt(at);
                byte[] payload = new byte[len - 16];
                System.arraycopy(bytes, at + 16, payload, 0, payload.length);
                Sent s = new Sent(Short.toUnsignedInt(b.getShort(at + 4)), Short.toUnsignedInt(b.getShort(at + 6)),
                        b.getInt(at + 8), payload);
                sent.add(s);
                int errno = s.type() < 0x10 ? 0 : refuse.applyAsInt(s);
                if (errno == 0 && (s.flags() & Uapi.NLM_F_ACK()) == 0) { // as the kernel: no ack asked, none sent
                    at += (len + 3) & ~3;
                    continue;
                }
                ByteBuffer ack = ByteBuffer.allocate(36).order(ByteOrder.nativeOrder());
                ack.putInt(36).putShort((short) Uapi.NLMSG_ERROR()).putShort((short) Uapi.NLM_F_CAPPED())
                        .putInt(s.seq()).putInt(0).putInt(-errno)
                        .putInt(len).putShort((short) s.type()).putShort((short) s.flags()).putInt(s.seq()).putInt(0);
                queue.add(ack.array());
                at += (len + 3) & ~3;
            }
            return length;
        }

        @Override
        public long receive(MemorySegment buffer) {
            byte[] d = queue.poll();
            if (d == null) {
                return -org.nlbridge.bindings.libc.LibC.EAGAIN();
            }
            MemorySegment.copy(d, 0, buffer, ValueLayout.JAVA_BYTE, 0, d.length);
            return d.length;
        }

        @Override
        public int portId() {
            return 0;
        }

        @Override
        public int sendLimit() {
            return 64 * 1024;
        }

        @Override
        public int receiveBudget() {
            return 16 << 20;
        }
    }

    /** An attribute: its type and payload; nested children decoded on demand. */
    record Attr(int type, byte[] payload) {
        int u32() {
            return ByteBuffer.wrap(payload).order(ByteOrder.nativeOrder()).getInt();
        }

        int u8() {
            return payload[0] & 0xff;
        }

        String string() {
            int n = payload.length;
            while (n > 0 && payload[n - 1] == 0) n--;
            return new String(payload, 0, n, java.nio.charset.StandardCharsets.UTF_8);
        }

        /** Children, after skipping {@code header} bytes (a nested ifinfomsg in VETH_INFO_PEER). */
        Map<Integer, Attr> nested(int header) {
            return attrs(payload, header);
        }
    }

    /** The attributes of {@code bytes} after a {@code header}-byte family header, by type. */
    static Map<Integer, Attr> attrs(byte[] bytes, int header) {
        Map<Integer, Attr> out = new LinkedHashMap<>();
        MemorySegment seg = MemorySegment.ofArray(bytes);
        AttrCursor a = new AttrCursor().reset(seg, header, bytes.length - header);
        while (a.next()) {
            out.put(a.type(), new Attr(a.type(), a.bytes()));
        }
        return out;
    }

    static int u32(byte[] bytes, int offset) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getInt(offset);
    }

    /** Encodes messages with a writer and returns a cursor over them (a fresh heap segment of exactly their size). */
    static MsgCursor messages(Consumer<MsgWriter> body) {
        byte[] bytes = bytes(body);
        return new MsgCursor().reset(MemorySegment.ofArray(bytes), bytes.length);
    }

    static byte[] bytes(Consumer<MsgWriter> body) {
        try (Arena a = Arena.ofConfined()) {
            MsgWriter w = new MsgWriter(a.allocate(64 * 1024));
            body.accept(w);
            return w.segment().asSlice(0, w.position()).toArray(ValueLayout.JAVA_BYTE);
        }
    }
}
