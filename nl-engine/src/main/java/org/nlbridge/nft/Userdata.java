package org.nlbridge.nft;

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
