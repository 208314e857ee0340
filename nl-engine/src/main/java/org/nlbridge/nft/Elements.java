package org.nlbridge.nft;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** Formatting of element values as nft prints them. */
final class Elements {
    private Elements() {}

    static String format(KeyType type, List<Object> values) {
        StringJoiner j = new StringJoiner(" . ");
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            FieldType t = type.field(Math.min(i, type.size() - 1));
            j.add(v instanceof Range || v instanceof org.nlbridge.net.Cidr ? v.toString() : t.format(v));
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

    static String formatKey(KeyType type, byte[] bytes) {
        return format(type, decode(type, bytes));
    }
}
