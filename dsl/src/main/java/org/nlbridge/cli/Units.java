package org.nlbridge.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;

/** Durations ({@code 30s}, {@code 500ms}, {@code 2m}; a bare number is seconds) and sizes ({@code 512MiB}, {@code 1g}). */
final class Units {
    private Units() {}

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})\\s*(ms|s|m|min|h)?");
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,13})\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

    /** @throws IllegalArgumentException with a message that quotes {@code text} and says what is accepted */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration; expected a whole number with a"
                    + " unit, like 30s, 500ms, 2m or 1h (a number alone is seconds)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m", "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /**
     * Bytes; k, m and g are binary (KiB, MiB, GiB), as the JVM's -Xmx reads them.
     *
     * @throws IllegalArgumentException with a message that quotes {@code text} and says what is accepted
     */
    static long bytes(String text) {
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a size; expected a whole number with a unit,"
                    + " like 512MiB, 512m or 2g (a number alone is bytes)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        int shift = switch (unit.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        if (n > Long.MAX_VALUE >> shift) throw new IllegalArgumentException("\"" + text + "\" is too large");
        return n << shift;
    }

    /** For {@code @Option(converter = DurationConverter.class)}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return duration(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** For {@code @Option(converter = SizeConverter.class)}. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return bytes(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
