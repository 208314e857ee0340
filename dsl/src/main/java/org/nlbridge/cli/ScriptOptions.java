package org.nlbridge.cli;

import java.time.Duration;
import java.util.Map;

import org.nlbridge.dsl.ScriptBudget;
import picocli.CommandLine.Option;

/**
 * The options of every command that runs a script: its time and memory budget. An option given wins over the
 * environment ({@code NLBRIDGE_SCRIPT_TIMEOUT}, {@code NLBRIDGE_SCRIPT_MEMORY}), which wins over the defaults
 * ({@link ScriptBudget#DEFAULT}); both are read when the command runs.
 */
final class ScriptOptions {

    static final String TIMEOUT_ENV = "NLBRIDGE_SCRIPT_TIMEOUT";
    static final String MEMORY_ENV = "NLBRIDGE_SCRIPT_MEMORY";

    @Option(names = "--script-timeout", paramLabel = "DURATION", converter = Units.DurationConverter.class,
            description = "How long the script may run, like 30s or 2m; 0 for no limit (default: $" + TIMEOUT_ENV
                    + ", else 30s).")
    Duration timeout;

    @Option(names = "--script-memory", paramLabel = "SIZE", converter = Units.SizeConverter.class,
            description = "How much the script may allocate while it runs (every allocation counts, garbage too),"
                    + " like 512MiB or 2g; 0 for no limit (default: $" + MEMORY_ENV + ", else 512MiB).")
    Long memory;

    ScriptBudget budget(Map<String, String> env) {
        Duration t = timeout != null ? timeout : fromEnv(env, TIMEOUT_ENV, true);
        Long m = memory != null ? memory : fromEnv(env, MEMORY_ENV, false);
        return new ScriptBudget(t != null ? t : ScriptBudget.DEFAULT.time(), m != null ? m : ScriptBudget.DEFAULT.memory());
    }

    @SuppressWarnings("unchecked")
    private static <T> T fromEnv(Map<String, String> env, String name, boolean duration) {
        String v = env.get(name);
        if (v == null || v.isBlank()) return null;
        try {
            return (T) (duration ? Units.duration(v) : (Object) Units.bytes(v));
        } catch (IllegalArgumentException e) {
            throw new CliException(name + ": " + e.getMessage());
        }
    }
}
