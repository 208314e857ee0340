package org.nlbridge.bench.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.nlbridge.net.IpAddress;
import org.nlbridge.netns.NetNs;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The client side of bench/dns.sh: one client per namespace given, all in parallel, each sending COUNT A queries
 * for NAMES in turn to SERVER:53, one at a time as a stub resolver does (a query is lost after 2 s, not retried).
 * Each client's socket is opened inside its namespace. Prints one tab-separated line:
 * {@code label queries p50_us p90_us p99_us max_us qps lost wrong}.
 *
 * <pre>DnsLoad LABEL SERVER COUNT WARMUP NAMES(comma-separated) NETNS...</pre>
 */
public final class DnsLoad {
    private DnsLoad() {}

    private record Result(long[] micros, int lost, int wrong) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 6) {
            System.err.println("usage: DnsLoad LABEL SERVER-IP COUNT WARMUP NAMES NETNS...");
            System.exit(2);
        }
        String label = args[0];
        InetSocketAddress server = new InetSocketAddress(
                java.net.InetAddress.getByAddress(IpAddress.parse("server", args[1]).bytes()), 53);
        int count = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        List<byte[]> queries = new ArrayList<>();
        for (String n : args[4].split(",")) {
            queries.add(Message.newQuery(Record.newRecord(Name.fromString(n, Name.root), Type.A, DClass.IN)).toWire());
        }
        List<String> namespaces = List.of(args).subList(5, args.length);
        List<DatagramChannel> sockets = new ArrayList<>();
        for (String ns : namespaces) {
            try (NetNs n = NetNs.open(ns)) {
                sockets.add(n.call(() -> DatagramChannel.open().connect(server)));
            }
        }
        run(sockets, queries, warmup); // JIT and caches, on both sides; not counted
        long t0 = System.nanoTime();
        List<Result> results = run(sockets, queries, count);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] all = results.stream().flatMapToLong(r -> Arrays.stream(r.micros())).sorted().toArray();
        int lost = results.stream().mapToInt(Result::lost).sum();
        int wrong = results.stream().mapToInt(Result::wrong).sum();
        int total = count * sockets.size();
        System.out.printf("%s\t%d\t%d\t%d\t%d\t%d\t%.0f\t%d\t%d%n", label, total, pct(all, 50), pct(all, 90),
                pct(all, 99), all.length == 0 ? 0 : all[all.length - 1], total / seconds, lost, wrong);
        for (DatagramChannel c : sockets) c.close();
    }

    private static long pct(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static List<Result> run(List<DatagramChannel> sockets, List<byte[]> queries, int count) throws Exception {
        List<Thread> threads = new ArrayList<>();
        Result[] out = new Result[sockets.size()];
        for (int i = 0; i < sockets.size(); i++) {
            int k = i;
            threads.add(Thread.ofPlatform().start(() -> out[k] = client(sockets.get(k), queries, count, k)));
        }
        for (Thread t : threads) t.join();
        return List.of(out);
    }

    private static Result client(DatagramChannel c, List<byte[]> queries, int count, int offset) {
        long[] micros = new long[count];
        int n = 0;
        int lost = 0;
        int wrong = 0;
        byte[] in = new byte[4096];
        DatagramPacket p = new DatagramPacket(in, in.length);
        try {
            c.socket().setSoTimeout(2000);
            for (int i = 0; i < count; i++) {
                byte[] q = queries.get((i + offset) % queries.size()).clone();
                int id = ThreadLocalRandom.current().nextInt(0x10000);
                q[0] = (byte) (id >>> 8);
                q[1] = (byte) id;
                long t = System.nanoTime();
                c.write(ByteBuffer.wrap(q));
                while (true) {
                    try {
                        c.socket().receive(p);
                    } catch (SocketTimeoutException e) {
                        lost++;
                        break;
                    }
                    if (p.getLength() < 12 || ((in[0] & 0xFF) << 8 | in[1] & 0xFF) != id) continue; // a late one
                    micros[n++] = (System.nanoTime() - t) / 1000;
                    boolean ok = (in[3] & 0x0F) == 0 && ((in[6] & 0xFF) << 8 | in[7] & 0xFF) > 0; // NOERROR, answers
                    if (!ok) wrong++;
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Result(Arrays.copyOf(micros, n), lost, wrong);
    }
}
