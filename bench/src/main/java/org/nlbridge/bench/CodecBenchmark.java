package org.nlbridge.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.bindings.linux.ifaddrmsg;
import org.nlbridge.bindings.linux.ifinfomsg;
import org.nlbridge.netlink.AttrCursor;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.MsgWriter;
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
 * The two codec hot paths, which must not allocate per message (run with {@code -prof gc}: gc.alloc.rate.norm ≈ 0):
 * encoding a batch of container attachments, and walking every attribute of a link dump.
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java --enable-native-access=ALL-UNNAMED -cp 'bench/target/classes:bench/target/lib/*' org.openjdk.jmh.Main \
 *     CodecBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CodecBenchmark {
    static final int PAIRS = 64;
    static final int LINKS = 100;

    private static final int RTM_NEWLINK = Uapi.RTM_NEWLINK();
    private static final int RTM_NEWADDR = Uapi.RTM_NEWADDR();
    private static final int CREATE = Uapi.NLM_F_REQUEST() | Uapi.NLM_F_ACK() | Uapi.NLM_F_CREATE() | Uapi.NLM_F_EXCL();
    private static final int IFINFOMSG = (int) ifinfomsg.sizeof();
    private static final int IFADDRMSG = (int) ifaddrmsg.sizeof();
    private static final int IFI_INDEX = (int) ifinfomsg.ifi_index$offset();
    private static final int IFLA_IFNAME = Uapi.IFLA_IFNAME();
    private static final int IFLA_MTU = Uapi.IFLA_MTU();
    private static final int IFLA_MASTER = Uapi.IFLA_MASTER();
    private static final int IFLA_ADDRESS = Uapi.IFLA_ADDRESS();
    private static final int IFLA_LINKINFO = Uapi.IFLA_LINKINFO();
    private static final int IFLA_INFO_KIND = Uapi.IFLA_INFO_KIND();
    private static final int IFLA_INFO_DATA = Uapi.IFLA_INFO_DATA();
    private static final int IFLA_OPERSTATE = Uapi.IFLA_OPERSTATE();
    private static final int IFLA_TXQLEN = Uapi.IFLA_TXQLEN();
    private static final int IFLA_NET_NS_FD = Uapi.IFLA_NET_NS_FD();
    private static final int VETH_INFO_PEER = Uapi.VETH_INFO_PEER();
    private static final int IFA_LOCAL = Uapi.IFA_LOCAL();
    private static final int IFA_ADDRESS = Uapi.IFA_ADDRESS();

    private Arena arena;
    private MsgWriter writer;
    private String[] hostNames;
    private int[] addresses;
    private int seq;

    private MemorySegment dump;
    private long dumpLength;
    private final MsgCursor msg = new MsgCursor();
    private final AttrCursor attrs = new AttrCursor();
    private final AttrCursor nested = new AttrCursor();

    @Setup
    public void setup() {
        arena = Arena.ofConfined();
        writer = new MsgWriter(arena.allocate(64 * 1024, 8));
        hostNames = new String[PAIRS];
        addresses = new int[PAIRS];
        for (int i = 0; i < PAIRS; i++) {
            hostNames[i] = String.format("veth%07x", i * 0x9e3779);
            addresses[i] = 172 << 24 | 18 << 16 | (i + 2);
        }
        MsgWriter w = new MsgWriter(arena.allocate(32 * 1024, 8));
        for (int i = 0; i < LINKS; i++) {
            w.begin(RTM_NEWLINK, Uapi.NLM_F_MULTI(), 1);
            long h = w.reserve(IFINFOMSG);
            w.setU32(h + IFI_INDEX, i + 1);
            w.putString(IFLA_IFNAME, String.format("veth%07x", i));
            w.putU32(IFLA_TXQLEN, 1000).putU8(IFLA_OPERSTATE, 6).putU32(IFLA_MTU, 1500).putU32(IFLA_MASTER, 3);
            w.putBytes(IFLA_ADDRESS, new byte[] {2, 0x42, (byte) 172, 18, 0, (byte) i});
            long info = w.nestStart(IFLA_LINKINFO);
            w.putString(IFLA_INFO_KIND, "veth");
            w.nestEnd(info);
            w.end();
        }
        dump = w.segment();
        dumpLength = w.position();
    }

    @TearDown
    public void close() {
        arena.close();
    }

    /**
     * 64 × {@code ip link add vethX mtu 1500 master br0 type veth peer name eth0 mtu 1500 netns FD} plus
     * {@code ip addr add 172.18.0.N/16 dev …}, encoded into one reusable buffer.
     */
    @Benchmark
    public long encodeAttachBatch() {
        MsgWriter w = writer;
        w.reset();
        for (int i = 0; i < PAIRS; i++) {
            w.begin(RTM_NEWLINK, CREATE, ++seq);
            w.reserve(IFINFOMSG);
            w.putString(IFLA_IFNAME, hostNames[i]).putU32(IFLA_MTU, 1500).putU32(IFLA_MASTER, 3);
            long info = w.nestStart(IFLA_LINKINFO);
            w.putString(IFLA_INFO_KIND, "veth");
            long data = w.nestStart(IFLA_INFO_DATA);
            long peer = w.nestStart(VETH_INFO_PEER);
            w.reserve(IFINFOMSG);
            w.putString(IFLA_IFNAME, "eth0").putU32(IFLA_MTU, 1500).putU32(IFLA_NET_NS_FD, 40 + i);
            w.nestEnd(peer);
            w.nestEnd(data);
            w.nestEnd(info);
            w.end();

            w.begin(RTM_NEWADDR, CREATE, ++seq);
            long h = w.reserve(IFADDRMSG);
            w.setU8(h + ifaddrmsg.ifa_family$offset(), LibC.AF_INET());
            w.setU8(h + ifaddrmsg.ifa_prefixlen$offset(), 16);
            w.setU32(h + ifaddrmsg.ifa_index$offset(), 100 + i);
            w.putBe32(IFA_LOCAL, addresses[i]).putBe32(IFA_ADDRESS, addresses[i]);
            w.end();
        }
        return w.position();
    }

    /** A 100-link dump datagram: every message, every attribute, the link-info nest, typed reads throughout. */
    @Benchmark
    public long decodeLinkDump() {
        long sum = 0;
        MsgCursor m = msg.reset(dump, dumpLength);
        while (m.next()) {
            sum += m.u32At(IFI_INDEX);
            AttrCursor a = m.attributes(attrs, IFINFOMSG);
            while (a.next()) {
                int t = a.type();
                if (t == IFLA_IFNAME) {
                    sum += a.stringEquals("veth000002a") ? 1 : 2;
                } else if (t == IFLA_MTU || t == IFLA_MASTER || t == IFLA_TXQLEN) {
                    sum += a.u32();
                } else if (t == IFLA_OPERSTATE) {
                    sum += a.u8();
                } else if (t == IFLA_ADDRESS) {
                    sum += a.segment().get(ValueLayout.JAVA_BYTE, a.payloadOffset() + a.payloadLength() - 1);
                } else if (t == IFLA_LINKINFO) {
                    AttrCursor info = a.enter(nested);
                    while (info.next()) {
                        if (info.type() == IFLA_INFO_KIND && info.stringEquals("veth")) {
                            sum += 3;
                        }
                    }
                } else {
                    sum += a.payloadLength();
                }
            }
        }
        return sum;
    }
}
