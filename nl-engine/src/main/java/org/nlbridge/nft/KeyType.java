package org.nlbridge.nft;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.nlbridge.net.ValidationException;

/**
 * A set key or map value type: one field, or a concatenation such as
 * {@code inet_proto . ipv4_addr . inet_service}. Each field takes a multiple of 4 bytes ({@link #length()}), and
 * the type id nft sends combines the fields' ids 6 bits apart.
 */
public record KeyType(List<FieldType> fields) {
    public static final KeyType VERDICT = new KeyType(List.of(FieldType.VERDICT));

    public KeyType {
        fields = List.copyOf(fields);
        if (fields.isEmpty()) throw new IllegalArgumentException("a key type needs at least one field");
        if (fields.size() > 1 && fields.contains(FieldType.VERDICT)) {
            throw new ValidationException("key type", render(fields), "a verdict cannot be concatenated",
                    "verdict alone, or a concatenation of data types");
        }
        if (fields.size() > 16) {
            throw new ValidationException("key type", render(fields), fields.size() + " fields is more than the kernel's 16",
                    "at most 16 concatenated fields");
        }
    }

    /*
     * equals and hashCode written out: a record's are linked at their first call (ObjectMethods bootstrap), which a
     * JDK 25 AOT cache does not keep, and a transaction compares the key types of every set it writes.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof KeyType k && k.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    public static KeyType of(FieldType... fields) {
        return new KeyType(List.of(fields));
    }

    /** Parses nft's spelling, e.g. {@code "inet_proto . ipv4_addr . inet_service"}. */
    public static KeyType parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new ValidationException(field, text, "no type given", "data types joined by \" . \"");
        }
        List<FieldType> out = new ArrayList<>();
        for (String part : text.split("\\.", -1)) {
            out.add(FieldType.parse(field, part.strip()));
        }
        return new KeyType(out);
    }

    public boolean isVerdict() {
        return fields.size() == 1 && fields.get(0) == FieldType.VERDICT;
    }

    public boolean isConcat() {
        return fields.size() > 1;
    }

    public int size() {
        return fields.size();
    }

    public FieldType field(int i) {
        return fields.get(i);
    }

    /** Bytes of a value: each field rounded up to 4 when concatenated, as registers hold them. */
    public int length() {
        if (isVerdict()) return 0;
        if (fields.size() == 1) return fields.get(0).length();
        int n = 0;
        for (FieldType f : fields) n += f.registerLength();
        return n;
    }

    /** Byte offset of field {@code i} in a value. */
    int offset(int i) {
        int n = 0;
        for (int k = 0; k < i; k++) n += fields.get(k).registerLength();
        return n;
    }

    /** The type id sent in {@code NFTA_SET_KEY_TYPE} / {@code NFTA_SET_DATA_TYPE}. */
    public int typeId() {
        int id = 0;
        for (FieldType f : fields) id = (id << FieldType.TYPE_BITS) | f.id();
        return id;
    }

    /** The key type for a type id and a length, or null if a field is unknown or the length does not match. */
    static KeyType ofTypeId(int id, int length) {
        List<FieldType> out = new ArrayList<>();
        int rest = id;
        while (rest != 0) {
            FieldType f = FieldType.ofId(rest & ((1 << FieldType.TYPE_BITS) - 1));
            if (f == null) return null;
            out.add(0, f);
            rest >>>= FieldType.TYPE_BITS;
        }
        if (out.isEmpty()) return null;
        KeyType k = new KeyType(out);
        return k.isVerdict() || k.length() == length ? k : null;
    }

    private static String render(List<FieldType> fields) {
        return fields.stream().map(FieldType::toString).collect(Collectors.joining(" . "));
    }

    /** As nft prints it: {@code inet_proto . ipv4_addr . inet_service}. */
    @Override
    public String toString() {
        return render(fields);
    }
}
