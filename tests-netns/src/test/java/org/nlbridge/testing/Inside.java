package org.nlbridge.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Commands run inside a test's namespace with the independent tools, one place for what every test world needs:
 * {@code ip -n NS -batch}, {@code ip netns exec NS ...}, sysctls and {@code nft}. Each fails loudly with the tool's
 * output, except {@link #exec} and the sysctl read, which report.
 */
public final class Inside {
    private Inside() {}

    /** {@code ip -n NS -batch -} with these commands, one per line. */
    public static void ip(String ns, String... commands) {
        Cmd.run(String.join("\n", commands) + "\n", "ip", "-n", ns, "-batch", "-");
    }

    /** {@code ip netns exec NS ARGV...}; fails on a non-zero exit, returns stdout. */
    public static String run(String ns, String... argv) {
        return Cmd.run(null, command(ns, argv));
    }

    /** {@code ip netns exec NS ARGV...}, whatever its exit. */
    public static Cmd.Result exec(String ns, String... argv) {
        return Cmd.exec(null, command(ns, argv));
    }

    /** {@code nft ARGS} inside the namespace. */
    public static String nft(String ns, String... args) {
        List<String> argv = new ArrayList<>(List.of("nft"));
        argv.addAll(List.of(args));
        return run(ns, argv.toArray(String[]::new));
    }

    /** Sets a sysctl of the namespace ({@code net.ipv4.ip_forward}). */
    public static void sysctl(String ns, String key, String value) {
        run(ns, "sysctl", "-qw", key + "=" + value);
    }

    /** A sysctl of the namespace, or null if it does not exist there. */
    public static String sysctl(String ns, String key) {
        Cmd.Result r = exec(ns, "sysctl", "-n", key);
        return r.exit() == 0 ? r.out().strip() : null;
    }

    private static String[] command(String ns, String... argv) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(argv));
        return cmd.toArray(String[]::new);
    }
}
