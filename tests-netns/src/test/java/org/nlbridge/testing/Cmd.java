package org.nlbridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an external program (an oracle or a fixture tool), feeding stdin, failing loudly with its output. */
public final class Cmd {
    private Cmd() {}

    public record Result(int exit, String out, String err) {}

    public static String run(String stdin, String... argv) {
        Result r = exec(stdin, argv);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", argv) + " exited " + r.exit() + ": " + r.err() + r.out());
        }
        return r.out();
    }

    public static Result exec(String stdin, String... argv) {
        return exec(new ProcessBuilder(List.of(argv)), stdin, Duration.ofSeconds(120));
    }

    /**
     * Runs a prepared process (its environment, directory or redirects set by the caller), feeding {@code stdin};
     * fails if it has not ended within {@code timeout}.
     */
    public static Result exec(ProcessBuilder pb, String stdin, Duration timeout) {
        String what = String.join(" ", pb.command());
        try {
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            // read both streams fully before waiting, so a chatty program cannot block on a full pipe
            byte[][] err = new byte[1][];
            Thread errReader = Thread.ofPlatform().start(() -> {
                try {
                    err[0] = p.getErrorStream().readAllBytes();
                } catch (IOException e) {
                    err[0] = new byte[0];
                }
            });
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(what + " timed out");
            }
            errReader.join();
            return new Result(p.exitValue(), out, new String(err[0], StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + pb.command().getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + what);
        }
    }
}
