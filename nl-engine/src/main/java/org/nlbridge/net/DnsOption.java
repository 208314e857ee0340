package org.nlbridge.net;

import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * One resolv.conf {@code options} entry ({@code ndots:2}, {@code rotate}, ...). Only the options glibc
 * documents in resolv.conf(5) are accepted, so a typo fails here instead of being ignored silently by
 * the resolver inside the container; numeric values must lie in the range glibc honours (it would
 * silently cap larger ones).
 */
public final class DnsOption {

    /** The known options; {@code min < 0} marks a flag without value. */
    private enum Known {
        ATTEMPTS(1, 5),
        DEBUG,
        EDNS0,
        NDOTS(0, 15),
        NO_AAAA,
        NO_CHECK_NAMES,
        NO_RELOAD,
        NO_TLD_QUERY,
        ROTATE,
        SINGLE_REQUEST,
        SINGLE_REQUEST_REOPEN,
        TIMEOUT(1, 30),
        TRUST_AD,
        USE_VC;

        final String text = name().toLowerCase(Locale.ROOT).replace('_', '-');
        final int min;
        final int max;

        Known() {
            this(-1, -1);
        }

        Known(int min, int max) {
            this.min = min;
            this.max = max;
        }

        boolean numeric() {
            return min >= 0;
        }

        static Known find(String text) {
            for (Known k : values()) {
                if (k.text.equals(text)) {
                    return k;
                }
            }
            return null;
        }
    }

    private static final String KNOWN_LIST = Arrays.stream(Known.values())
            .map(k -> k.numeric() ? k.text + ":n" : k.text)
            .collect(Collectors.joining(", "));

    public static final String ACCEPTED = "a resolver option, one of " + KNOWN_LIST;

    private final Known option;
    private final int value;

    private DnsOption(Known option, int value) {
        this.option = option;
        this.value = value;
    }

    public static DnsOption parse(String field, String text) {
        ValidationException.requireValue(field, text, ACCEPTED);
        try {
            return parseText(text);
        } catch (Invalid e) {
            throw ValidationException.of(field, text, e, ACCEPTED);
        }
    }

    private static DnsOption parseText(String s) {
        DnsNames.rejectUnsafe(s);
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                throw new Invalid("character " + Text.quoteChar(name, i)
                        + " not allowed in an option name (a-z, 0-9 and '-')");
            }
        }
        Known option = Known.find(name);
        if (option == null) {
            throw new Invalid("unknown option " + Text.quote(name));
        }
        if (!option.numeric()) {
            if (colon >= 0) {
                throw new Invalid(Text.quote(name) + " takes no value");
            }
            return new DnsOption(option, -1);
        }
        if (colon < 0) {
            throw new Invalid(Text.quote(name) + " needs a value, like " + name + ":" + option.max);
        }
        String valueText = s.substring(colon + 1);
        int value;
        try {
            value = Digits.parseDecimal(valueText);
        } catch (Invalid e) {
            throw new Invalid(name + " value " + Text.quote(valueText) + ": " + e.reason());
        }
        if (value < option.min) {
            throw new Invalid(name + " value " + Text.quote(valueText) + " below " + option.min);
        }
        if (value > option.max) {
            throw new Invalid(name + " value " + Text.quote(valueText) + " above " + option.max
                    + ", where the resolver caps it");
        }
        return new DnsOption(option, value);
    }

    /** The option name, e.g. {@code ndots}. */
    public String name() {
        return option.text;
    }

    /** The number after ':' for {@code ndots}, {@code timeout} and {@code attempts}; empty for flags. */
    public OptionalInt value() {
        return option.numeric() ? OptionalInt.of(value) : OptionalInt.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DnsOption d && d.option == option && d.value == value;
    }

    @Override
    public int hashCode() {
        return option.ordinal() * 31 + value;
    }

    @Override
    public String toString() {
        return option.numeric() ? option.text + ":" + value : option.text;
    }
}
