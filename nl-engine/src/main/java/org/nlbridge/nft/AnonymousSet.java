package org.nlbridge.nft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.ValidationException;

/**
 * A set written into a rule, nft's {@code { 8.8.8.8, 10.0.0.0/8 }}: values of one field type, for an address or
 * port field also prefixes ({@link Cidr}) and ranges ({@link Range}), which make it an interval set. It is sent with
 * its rule, in the same transaction, as a constant set the kernel names ({@code __set0}, ...) and deletes with the
 * rule; listing reads it back into the rule ({@link Expr.Lookup#anonymous()}).
 *
 * <p>The elements are kept in one canonical form, the form listing decodes them into and the order nft prints them
 * in, so a listed rule equals the rule it was built from: a one-address prefix is the address, a one-value range
 * the value, an interface name a String, protocols 6 and 17 {@link org.nlbridge.net.IpProtocol}s. Duplicates and
 * overlapping intervals are refused (the kernel would refuse the overlap; nft would merge it silently).
 */
public record AnonymousSet(FieldType type, List<Object> elements) {

    /** The name the set is sent under; the kernel replaces {@code %d} with a free number. */
    static final String NAME = "__set%d";

    public AnonymousSet {
        elements = canonical("anonymous set", type, elements);
    }

    public static AnonymousSet of(FieldType type, Object... values) {
        return new AnonymousSet(type, Arrays.asList(values));
    }

    /** Whether it holds a prefix or a range (the kernel then stores it as an interval set). */
    public boolean interval() {
        for (Object e : elements) {
            if (e instanceof Cidr || e instanceof Range) return true;
        }
        return false;
    }

    public KeyType key() {
        return KeyType.of(type);
    }

    /** As nft prints it in a rule: {@code { 8.8.8.8, 10.0.0.0/8 }}. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "{ ", " }");
        for (Object e : elements) j.add(Elements.format(key(), List.of(e)));
        return j.toString();
    }

    /** One element as the kernel holds it: its first and last key, both {@code type.length()} bytes. */
    private record Span(byte[] first, byte[] last) {}

    /**
     * {@code values} checked against {@code type} (messages name {@code field}), in canonical form and order.
     *
     * @throws ValidationException for an empty set, a value of the wrong type, host bits, a reversed range, a
     *         duplicate or an overlap
     */
    static List<Object> canonical(String field, FieldType type, Collection<?> values) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(values, "values");
        String accepted = accepted(type);
        if (type == FieldType.VERDICT) {
            throw new ValidationException(field, "verdict", "a verdict cannot be a set element", accepted);
        }
        if (values.isEmpty()) throw new ValidationException(field, "{ }", "no elements", accepted);
        int len = type.length();
        List<Span> spans = new ArrayList<>(values.size());
        for (Object v : values) {
            if (v instanceof Cidr c) {
                if (!(type == FieldType.IPV4_ADDR || type == FieldType.IPV6_ADDR)) {
                    throw new ValidationException(field, c.toString(), "a prefix does not fit type " + type, accepted);
                }
                if (c.hasHostBits()) {
                    throw new ValidationException(field, c.toString(), "host bits set; did you mean " + c.subnet()
                            + "?", accepted);
                }
                spans.add(new Span(bytes(field, type, c.network(), accepted), bytes(field, type, c.last(), accepted)));
            } else if (v instanceof Range r) {
                if (!type.rangeable()) {
                    throw new ValidationException(field, r.toString(), "a range does not fit type " + type, accepted);
                }
                Span s = new Span(bytes(field, type, r.first(), accepted), bytes(field, type, r.last(), accepted));
                if (Arrays.compareUnsigned(s.first, s.last) > 0) {
                    throw new ValidationException(field, r.toString(), "the start is above the end", accepted);
                }
                spans.add(s);
            } else {
                byte[] b = bytes(field, type, v, accepted);
                spans.add(new Span(b, b));
            }
        }
        boolean interval = spans.stream().anyMatch(s -> !Arrays.equals(s.first, s.last));
        spans.sort((a, b) -> Elements.compareKeys(KeyType.of(type), a.first, b.first));
        List<Object> out = new ArrayList<>(spans.size());
        for (int i = 0; i < spans.size(); i++) {
            Span s = spans.get(i);
            Object value = Decoder.interval(type, s.first, s.last);
            if (i > 0) {
                Span prev = spans.get(i - 1);
                boolean same = Arrays.equals(prev.first, s.first) && Arrays.equals(prev.last, s.last);
                if (same || interval && Arrays.compareUnsigned(s.first, prev.last) <= 0) {
                    Object earlier = out.get(i - 1);
                    throw new ValidationException(field, value.toString(), same ? "given twice"
                            : "overlaps " + Elements.format(KeyType.of(type), List.of(earlier)), accepted);
                }
            }
            out.add(value);
        }
        return List.copyOf(out);
    }

    private static byte[] bytes(String field, FieldType type, Object value, String accepted) {
        byte[] b = new byte[type.registerLength()];
        String why = value instanceof Integer i ? type.tryWriteInt(i, b, 0) : type.tryWrite(value, b, 0);
        if (why != null) throw new ValidationException(field, String.valueOf(value), why, accepted);
        return Arrays.copyOf(b, type.length());
    }

    private static String accepted(FieldType type) {
        String more = type == FieldType.IPV4_ADDR || type == FieldType.IPV6_ADDR ? ", Cidr prefixes or Ranges"
                : type.rangeable() ? " or Ranges" : "";
        return "one or more distinct values (" + type.accepted() + more + "), not overlapping";
    }
}
