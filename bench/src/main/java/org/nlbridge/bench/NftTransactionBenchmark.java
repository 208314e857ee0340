package org.nlbridge.bench;

import java.util.concurrent.TimeUnit;

import org.nlbridge.net.Ipv4Address;
import org.nlbridge.netns.NetNs;
import org.nlbridge.nft.ElementWriter;
import org.nlbridge.nft.Family;
import org.nlbridge.nft.FieldType;
import org.nlbridge.nft.KeyType;
import org.nlbridge.nft.NamedSet;
import org.nlbridge.nft.Nft;
import org.nlbridge.nft.Table;
import org.nlbridge.nft.TableRef;
import org.nlbridge.nft.Transaction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * nftables transaction size against the real kernel: {@value #ELEMENTS} published ports (elements of a map
 * {@code inet_service : ipv4_addr . inet_service}, as the engine keeps them) added and then deleted again,
 * {@code elements} per transaction, in a scratch namespace. Each transaction is a full {@link Nft#commit}: the
 * generation read ({@code NFT_MSG_GETGEN}), encoding, one {@code sendmsg} with {@code BATCH_BEGIN … END}, the acks.
 * Scores are per element (one add and one delete), so the sizes compare directly.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class NftTransactionBenchmark {
    static final int ELEMENTS = 4096;
    static final TableRef TABLE = TableRef.of(Family.IP, "nlbridge");

    /** Elements per transaction. */
    @Param({"1", "16", "256", "4096"})
    public int elements;

    private NetNs ns;
    private Nft nft;
    private NamedSet map;
    private Ipv4Address[] targets;
    private Transaction tx;

    @Setup(Level.Trial)
    public void setup() {
        ns = NetNs.createAnonymous();
        nft = Nft.open(ns, TABLE);
        map = NamedSet.map(TABLE.set("published"), KeyType.of(FieldType.INET_SERVICE),
                KeyType.of(FieldType.IPV4_ADDR, FieldType.INET_SERVICE));
        nft.apply(t -> t.addTable(Table.of(TABLE)).addSet(map));
        targets = new Ipv4Address[ELEMENTS];
        for (int i = 0; i < ELEMENTS; i++) targets[i] = Ipv4Address.of(172 << 24 | 18 << 16 | i + 2);
        tx = nft.transaction();
    }

    @TearDown(Level.Trial)
    public void close() {
        nft.close();
        ns.close();
    }

    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public int addThenDelete() {
        int commits = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int from = 0; from < ELEMENTS; from += elements) {
                tx.clear();
                ElementWriter w = pass == 0 ? tx.addElements(map) : tx.deleteElements(map);
                int to = Math.min(ELEMENTS, from + elements);
                for (int i = from; i < to; i++) {
                    w.key(10000 + i);
                    if (pass == 0) w.value(targets[i]).value(80);
                    w.add();
                }
                nft.commit(tx);
                commits++;
            }
        }
        return commits;
    }
}
