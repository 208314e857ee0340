package org.nlbridge.netlink;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Attribute type → position table filled in one pass over an attribute area (pyroute2's and the kernel's
 * {@code nla_parse} shape), for decoders that need attributes in an order other than the wire order, e.g. the link
 * kind before the kind-specific data. Reusable; nothing is allocated after construction.
 *
 * <p>Types above {@code maxType} are skipped (newer kernels add them). When a type repeats, the last one wins, as in
 * {@code nla_parse}.
 */
public final class AttrIndex {
    private final long[] offsets;
    private final AttrCursor view = new AttrCursor();
    private MemorySegment seg;

    public AttrIndex(int maxType) {
        this.offsets = new long[maxType + 1];
        Arrays.fill(offsets, -1);
    }

    /** Indexes the attributes {@code attrs} has not yet visited, validating every header on the way. */
    public AttrIndex fill(AttrCursor attrs) {
        Arrays.fill(offsets, -1);
        seg = attrs.segment();
        while (attrs.next()) {
            int type = attrs.type();
            if (type < offsets.length) {
                offsets[type] = attrs.offset();
            }
        }
        return this;
    }

    public boolean has(int type) {
        return type >= 0 && type < offsets.length && offsets[type] >= 0;
    }

    /**
     * A cursor standing on the attribute of {@code type}, or null if absent. The same cursor is reused by every call,
     * so read it before the next one.
     */
    public AttrCursor get(int type) {
        if (!has(type)) {
            return null;
        }
        view.select(seg, offsets[type]);
        return view;
    }
}
