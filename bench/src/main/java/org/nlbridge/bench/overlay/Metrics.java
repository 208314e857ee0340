package org.nlbridge.bench.overlay;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** etcd's own request counters ({@code grpc_server_handled_total} by method, summed over the members) and the machine. */
final class Metrics {
    private Metrics() {}

    static final String[] METHODS = {"Range", "Txn", "Put", "DeleteRange"};

    /** Counts per {@link #METHODS}, summed over the three members (read from the client namespace with curl). */
    static long[] read(Convergence c) {
        long[] out = new long[METHODS.length];
        for (int m = 1; m <= 3; m++) {
            String body = Convergence.exec("ip", "netns", "exec", c.prefix + "cl", "curl", "-s", "-m", "5",
                    "http://198.51.100.1" + m + ":2379/metrics");
            for (String line : body.split("\n")) {
                if (!line.startsWith("grpc_server_handled_total{")) continue;
                for (int i = 0; i < METHODS.length; i++) {
                    if (line.contains("grpc_method=\"" + METHODS[i] + "\"")) {
                        out[i] += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
            }
        }
        return out;
    }

    static String perAttach(long[] before, long[] after, int attaches) {
        StringBuilder sb = new StringBuilder();
        long total = 0;
        for (int i = 0; i < METHODS.length; i++) {
            long d = after[i] - before[i];
            total += d;
            if (d > 0) sb.append(sb.isEmpty() ? "" : ", ").append(METHODS[i]).append(' ')
                    .append(String.format(Locale.ROOT, "%.2f", (double) d / attaches));
        }
        return String.format(Locale.ROOT, "%.2f (%s)", (double) total / attaches, sb);
    }

    static String machine() {
        String load = "?";
        try {
            load = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).strip();
        } catch (java.io.IOException e) {
            // not Linux
        }
        return "Kernel " + System.getProperty("os.version") + ", " + Runtime.getRuntime().availableProcessors()
                + " CPUs, Java " + Runtime.version() + "; load average at the end: " + load + " (a shared machine).";
    }
}
