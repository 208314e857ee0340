package org.nlbridge.nft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;

import org.nlbridge.net.Cidr;

/** Formatting of element values as nft prints them. */
final class Elements {
    private Elements() {}

    static String format(KeyType type, List<Object> values) {
        StringJoiner j = new StringJoiner(" . ");
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            FieldType t = type.field(Math.min(i, type.size() - 1));
            j.add(v instanceof Range || v instanceof Cidr ? v.toString() : t.format(v));
        }
        return j.toString();
    }

    static List<Object> decode(KeyType type, byte[] bytes) {
        List<Object> out = new ArrayList<>(type.size());
        for (int i = 0; i < type.size(); i++) {
            int off = type.isConcat() ? type.offset(i) : 0;
            if (off + type.field(i).length() > bytes.length) break;
            out.add(type.field(i).read(bytes, off));
        }
        return out;
    }

    /**
     * Compares two keys of {@code type} ({@code type.length()} bytes each) the way nft orders elements when it prints
     * them: as one number the way nft holds it, a concatenation or a host-order field (ifname, mark) in host
     * (little-endian) order, a network-order field in network order.
     */
    static int compareKeys(KeyType type, byte[] a, byte[] b) {
        boolean littleEndian = type.isConcat() || type.field(0) == FieldType.IFNAME || type.field(0) == FieldType.MARK;
        if (littleEndian) {
            for (int i = Math.min(a.length, b.length) - 1; i >= 0; i--) {
                int d = Integer.compare(a[i] & 0xff, b[i] & 0xff);
                if (d != 0) return d;
            }
            return Integer.compare(a.length, b.length);
        }
        return Arrays.compareUnsigned(a, b);
    }

    static String formatKey(KeyType type, byte[] bytes) {
        return format(type, decode(type, bytes));
    }
}
