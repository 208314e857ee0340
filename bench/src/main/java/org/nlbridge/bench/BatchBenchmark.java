package org.nlbridge.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.bindings.linux.ifinfomsg;
import org.nlbridge.netlink.Batch;
import org.nlbridge.netlink.BatchResult;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.MsgWriter;
import org.nlbridge.netlink.NlTransport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole batch path without the kernel: 64 requests encoded, sent, and their 64 acks received and matched by
 * sequence number. The transport answers from preallocated memory, so any allocation measured is the batch's own.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BatchBenchmark {
    static final int REQUESTS = 64;

    private static final int RTM_NEWLINK = Uapi.RTM_NEWLINK();
    private static final int CREATE = Uapi.NLM_F_CREATE() | Uapi.NLM_F_EXCL();
    private static final int IFINFOMSG = (int) ifinfomsg.sizeof();

    private LoopbackKernel kernel;
    private Batch batch;
    private String[] names;

    @Setup
    public void setup() {
        kernel = new LoopbackKernel();
        batch = new Batch(kernel);
        names = new String[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            names[i] = "br" + i;
        }
    }

    @TearDown
    public void close() {
        batch.close();
        kernel.close();
    }

    @Benchmark
    public int batchRoundTrip() {
        for (int i = 0; i < REQUESTS; i++) {
            MsgWriter w = batch.begin(RTM_NEWLINK, CREATE, names[i]);
            w.reserve(IFINFOMSG);
            w.putString(Uapi.IFLA_IFNAME(), names[i]).putU32(Uapi.IFLA_MTU(), 1500);
            long info = w.nestStart(Uapi.IFLA_LINKINFO());
            w.putString(Uapi.IFLA_INFO_KIND(), "bridge");
            w.nestEnd(info);
            batch.end();
        }
        BatchResult r = batch.execute();
        if (!r.ok()) {
            r.throwIfFailed();
        }
        return r.succeeded();
    }

    /** Acks every request of a sent datagram, as capped {@code NLMSG_ERROR}s, one per receive. */
    static final class LoopbackKernel implements NlTransport {
        private static final int ACK = 16 + 20;
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment acks = arena.allocate(ACK * 1024L, 8);
        private final MsgCursor sent = new MsgCursor();
        private int queued;
        private int next;

        @Override
        public long send(MemorySegment buffer, long length) {
            sent.reset(buffer, length);
            queued = 0;
            next = 0;
            while (sent.next()) {
                long at = (long) ACK * queued++;
                acks.set(ValueLayout.JAVA_INT_UNALIGNED, at, ACK);
                acks.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + 4, (short) Uapi.NLMSG_ERROR());
                acks.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + 6, (short) Uapi.NLM_F_CAPPED());
                acks.set(ValueLayout.JAVA_INT_UNALIGNED, at + 8, sent.seq());
                acks.set(ValueLayout.JAVA_INT_UNALIGNED, at + 12, portId());
                acks.set(ValueLayout.JAVA_INT_UNALIGNED, at + 16, 0);
                MemorySegment.copy(buffer, sent.offset(), acks, at + 20, 16);
            }
            return length;
        }

        @Override
        public long receive(MemorySegment buffer) {
            if (next == queued) {
                return -LibC.EAGAIN();
            }
            MemorySegment.copy(acks, (long) ACK * next++, buffer, 0, ACK);
            return ACK;
        }

        @Override
        public int portId() {
            return 4242;
        }

        @Override
        public int sendLimit() {
            return 212_960;
        }

        @Override
        public int receiveBudget() {
            return 425_984;
        }

        void close() {
            arena.close();
        }
    }
}
