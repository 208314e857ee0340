package org.nlbridge.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.nlbridge.dsl.ScriptBudget;
import org.nlbridge.dsl.ScriptLoader;
import org.nlbridge.dsl.ScriptTrust;
import org.nlbridge.spec.DesiredState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the script budget costs (issue 16 item 9): compiling and running a script with the default budget (its own
 * thread, watched; {@code @ThreadInterrupt} checks in every loop, method and closure) against no budget (the
 * caller's thread, no checks). {@code docker0} and {@code publish-5000-22} are example scripts; {@code loop-1000}
 * declares 1,000 containers in a loop; {@code spin-10M} runs an empty-bodied loop 10 million times, nothing but the
 * checks' worst case.
 *
 * <pre>
 * bench/jmh.sh ScriptBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseSerialGC")
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class ScriptBenchmark {

    @Param({"docker0", "publish-5000-22", "loop-1000", "spin-10M"})
    public String script;

    @Param({"budget", "none"})
    public String mode;

    private String text;
    private ScriptLoader loader;

    static final String LOOP = """
            network('bridge') { bip '10.20.0.1/16' }
            (0..<1000).each { int i ->
                container("web-$i") {
                    ip "10.20.${i.intdiv(200)}.${10 + i % 200}"
                    publish "${20000 + i}:80"
                }
            }
            """;

    static final String SPIN = """
            long sum = 0
            for (int i = 0; i < 10_000_000; i++) {
                sum += i
            }
            network('bridge') { mtu(1400 + (int) (sum % 2)) }
            """;

    @Setup
    public void setUp() throws IOException, URISyntaxException {
        text = switch (script) {
            case "loop-1000" -> LOOP;
            case "spin-10M" -> SPIN;
            default -> Files.readString(scripts().resolve(script + ".groovy"));
        };
        loader = ScriptLoader.withTrust(ScriptTrust.none())
                .withBudget(mode.equals("budget") ? ScriptBudget.DEFAULT : ScriptBudget.UNLIMITED);
    }

    /** The repository's scripts/ folder, from bench/target/classes. */
    private static Path scripts() throws URISyntaxException {
        Path p = Path.of(ScriptBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        while (p != null && !Files.isDirectory(p.resolve("scripts"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("no scripts/ folder above " + ScriptBenchmark.class);
        return p.resolve("scripts");
    }

    @Benchmark
    public DesiredState evaluate() {
        return loader.evaluate(text, script + ".groovy");
    }
}
