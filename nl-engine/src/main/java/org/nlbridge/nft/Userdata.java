package org.nlbridge.nft;

import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * nft's userdata format (libnftnl {@code nftnl_udata}): TLVs of a u8 type, a u8 length and the value. The engine
 * writes and reads only comments, a NUL-terminated string under the object's comment type.
 */
final class Userdata {
    private Userdata() {}

    static final int TABLE_COMMENT = 0;
    static final int CHAIN_COMMENT = 0;
    static final int RULE_COMMENT = 0;
    static final int SET_COMMENT = 7;
    static final int ELEM_COMMENT = 0;

    static final int SET_KEY_BYTEORDER = 0;
    static final int SET_DATA_BYTEORDER = 1;
    private static final int HOST_ENDIAN = 1;
    private static final int BIG_ENDIAN = 2;

    /**
     * A set's userdata as nft writes it: the byte order of the key and of the value (nft needs it to print
     * host-order types such as ifname and mark; 0 for concatenations and verdicts), then the comment.
     */
    static byte[] set(NamedSet s) {
        return set(s.key(), s.data(), s.comment());
    }

    /** As {@link #set(NamedSet)}: {@code data} null for a set, {@code comment} null for none. */
    static byte[] set(KeyType key, KeyType data, String comment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u32(out, SET_KEY_BYTEORDER, byteOrder(key));
        if (data != null) u32(out, SET_DATA_BYTEORDER, byteOrder(data));
        if (comment != null) out.writeBytes(comment(SET_COMMENT, comment));
        return out.toByteArray();
    }

    private static int byteOrder(KeyType k) {
        if (k.isConcat() || k.isVerdict()) return 0;
        return switch (k.field(0)) {
            case IFNAME, MARK -> HOST_ENDIAN;
            default -> BIG_ENDIAN;
        };
    }

    private static void u32(ByteArrayOutputStream out, int type, int v) {
        out.write(type);
        out.write(4);
        // host order, as libnftnl's nftnl_udata_put_u32 writes it
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            out.write(v); out.write(v >>> 8); out.write(v >>> 16); out.write(v >>> 24);
        } else {
            out.write(v >>> 24); out.write(v >>> 16); out.write(v >>> 8); out.write(v);
        }
    }

    /** One comment TLV. */
    static byte[] comment(int type, String comment) {
        byte[] s = comment.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[2 + s.length + 1];
        out[0] = (byte) type;
        out[1] = (byte) (s.length + 1);
        System.arraycopy(s, 0, out, 2, s.length);
        return out;
    }

    /** The comment TLV of {@code type} in {@code udata}, or null; malformed TLVs end the search. */
    static String findComment(byte[] udata, int type) {
        int p = 0;
        while (p + 2 <= udata.length) {
            int t = udata[p] & 0xff;
            int n = udata[p + 1] & 0xff;
            if (p + 2 + n > udata.length) return null;
            if (t == type && n > 0 && udata[p + 2 + n - 1] == 0) {
                return new String(udata, p + 2, n - 1, StandardCharsets.UTF_8);
            }
            p += 2 + n;
        }
        return null;
    }
}
