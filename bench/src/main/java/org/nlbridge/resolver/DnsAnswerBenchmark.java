package org.nlbridge.resolver;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.nlbridge.net.DnsName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What dnsjava costs on the name server's hot paths (in this package to reach its package-private parts; the bench
 * runs on the class path): answering a container name from a table of 1000 (parse, lookup, render), deciding to
 * forward an unknown name, and checking an upstream answer before it is relayed. Compare with the end-to-end
 * latency in bench/results/dns.md.
 *
 * <pre>bench/jmh.sh DnsAnswerBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DnsAnswerBenchmark {

    private Answerer answerer;
    private Map<String, NetworkNames> tables;
    private ListenerSpec listener;
    private byte[] local;
    private byte[] unknown;
    private byte[] upstreamAnswer;
    private Record question;

    @Setup
    public void setup() throws Exception {
        answerer = new Answerer(DnsServerOptions.DEFAULTS, new Counters());
        NetworkNames.Builder b = NetworkNames.builder("backend");
        for (int i = 0; i < 1000; i++) {
            b.add(Endpoint.of(DnsName.parse("c", "c" + i), Ipv4Address.of(0x0A000000 + i)));
        }
        tables = Map.of("backend", b.build());
        listener = ListenerSpec.builder("l").network("backend")
                .upstreams(List.of(Upstream.of(IpAddress.parse("dns", "192.0.2.53")))).build();
        local = Message.newQuery(Record.newRecord(Name.fromString("c500."), Type.A, DClass.IN)).toWire();
        unknown = Message.newQuery(Record.newRecord(Name.fromString("www.example.com."), Type.A, DClass.IN)).toWire();
        question = Record.newRecord(Name.fromString("www.example.com."), Type.A, DClass.IN);
        Message answer = new Message(1);
        answer.getHeader().setFlag(Flags.QR);
        answer.addRecord(question, Section.QUESTION);
        answer.addRecord(new ARecord(question.getName(), DClass.IN, 60, java.net.InetAddress.getByAddress(
                new byte[] {(byte) 192, 0, 2, 1})), Section.ANSWER);
        upstreamAnswer = answer.toWire();
    }

    @Benchmark
    public Object answerLocalName() {
        return answerer.answer(local, local.length, false, listener, tables);
    }

    @Benchmark
    public Object decideToForward() {
        return answerer.answer(unknown, unknown.length, false, listener, tables);
    }

    @Benchmark
    public Object checkUpstreamAnswer() {
        return Wire.answerTo(upstreamAnswer, upstreamAnswer.length, question);
    }
}
