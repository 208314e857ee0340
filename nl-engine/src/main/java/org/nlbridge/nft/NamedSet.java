package org.nlbridge.nft;

import java.util.Objects;

import org.nlbridge.net.ValidationException;

/**
 * A named set ({@code data} null), map ({@code data} a value type) or verdict map ({@code data}
 * {@link KeyType#VERDICT}) in a table. An {@code interval} set holds ranges and prefixes of a single
 * {@linkplain FieldType#rangeable() rangeable} field. A set with a {@code counter} (nft's {@code counter;} in a set
 * declaration, the kernel's {@code NFTA_SET_EXPR}) gives every element its own counter of the packets that matched
 * it, listed with the element ({@link Element#counter()}).
 */
public record NamedSet(SetRef ref, KeyType key, KeyType data, boolean interval, boolean counter, String comment) {
    public NamedSet {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(key, "key");
        if (key.fields().contains(FieldType.VERDICT)) {
            throw new ValidationException("set " + ref.name() + " key type", key.toString(), "a verdict cannot be a key",
                    "data types such as ipv4_addr or inet_proto . ipv4_addr . inet_service");
        }
        if (interval && (key.isConcat() || !key.field(0).rangeable())) {
            throw new ValidationException("set " + ref.name() + " key type", key.toString(),
                    "interval sets of this engine take one field of ipv4_addr, ipv6_addr or inet_service",
                    "a single rangeable field, or no interval flag");
        }
        NftNames.comment("set " + ref.name() + " comment", comment);
    }

    /** Without a counter. */
    public NamedSet(SetRef ref, KeyType key, KeyType data, boolean interval, String comment) {
        this(ref, key, data, interval, false, comment);
    }

    /** {@code set NAME { type KEY; }}. */
    public static NamedSet set(SetRef ref, KeyType key) {
        return new NamedSet(ref, key, null, false, null);
    }

    /** {@code set NAME { type KEY; flags interval; }}. */
    public static NamedSet intervalSet(SetRef ref, FieldType key) {
        return new NamedSet(ref, KeyType.of(key), null, true, null);
    }

    /** {@code map NAME { type KEY : DATA; }}. */
    public static NamedSet map(SetRef ref, KeyType key, KeyType data) {
        Objects.requireNonNull(data, "data");
        return new NamedSet(ref, key, data, false, null);
    }

    /** {@code map NAME { type KEY : verdict; }}. */
    public static NamedSet verdictMap(SetRef ref, KeyType key) {
        return new NamedSet(ref, key, KeyType.VERDICT, false, null);
    }

    public NamedSet withComment(String comment) {
        return new NamedSet(ref, key, data, interval, counter, comment);
    }

    /** This set with a counter on every element: {@code set NAME { type KEY; counter; }}. */
    public NamedSet withCounter() {
        return new NamedSet(ref, key, data, interval, true, comment);
    }

    public boolean isMap() {
        return data != null;
    }

    public boolean isVerdictMap() {
        return data != null && data.isVerdict();
    }

    public TableRef table() {
        return ref.table();
    }

    public String name() {
        return ref.name();
    }
}
