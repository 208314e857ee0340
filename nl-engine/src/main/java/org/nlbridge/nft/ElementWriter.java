package org.nlbridge.nft;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netlink.AttrCursor;

/**
 * Appends elements to one set or map within a {@link Transaction}, type-checked field by field against the set's
 * key and value types as they are given, and encoded at once into one growing byte array: adding N elements costs
 * O(N) time and no objects beyond the values passed in.
 *
 * <pre>{@code
 * tx.addElements(hostports)
 *   .key(IpProtocol.TCP).key(hostIp).key(8080).value(containerIp).value(80).add()
 *   .key(IpProtocol.UDP).key(hostIp).key(5353).value(containerIp).value(53).add();
 * tx.addElements(jumps).key("br0").verdict(Verdict.jump("filter-forward-in__br0")).add();
 * tx.addElements(blocked).prefix(Cidr.parseSubnet("blocked", "10.0.0.0/8")).add();   // interval set
 * }</pre>
 *
 * <p>Interval sets take a {@link #prefix}, a {@link #range} or a single key, each sent as the start element and
 * (unless the range reaches the top of the type) an end element flagged {@code NFT_SET_ELEM_INTERVAL_END}, as nft
 * sends them. Deleting from an interval set takes the same form as adding.
 */
public final class ElementWriter {
    static final int LIST_ELEM = Uapi.NFTA_LIST_ELEM() | Uapi.NLA_F_NESTED();
    private static final ByteOrder HOST = ByteOrder.nativeOrder();
    private static final int NESTED = Uapi.NLA_F_NESTED();

    private final NamedSet set;
    private final boolean delete;
    private final KeyType key;
    private final KeyType data;
    private final int keyLen;
    private final int dataLen;
    private final int[] keyOffsets;
    private final int[] dataOffsets;
    private final byte[] keyBuf;
    private final byte[] endBuf;
    private final byte[] dataBuf;
    private int keyField;
    private int dataField;
    private boolean endGiven;
    private Verdict verdict;
    private String comment;

    /** Elements as sent, back to back: each an NFTA_LIST_ELEM header and its attributes (see {@link #frameStart}). */
    private byte[] buf = new byte[256];
    private int len;
    /** Start offset of each element's frame in {@link #buf}; one more entry marks the end. */
    private int[] starts = new int[16];
    private int count;
    /** Elements the caller added (an interval counts once though it is sent as two). */
    private int added;

    ElementWriter(NamedSet set, boolean delete) {
        this.set = set;
        this.delete = delete;
        this.key = set.key();
        this.data = set.isMap() && !set.isVerdictMap() ? set.data() : null;
        // room for the writers' padding to 4; only length() bytes are sent
        this.keyLen = key.length();
        this.keyBuf = new byte[(keyLen + 3) & ~3];
        this.endBuf = new byte[(keyLen + 3) & ~3];
        this.dataLen = data == null ? 0 : data.length();
        this.dataBuf = data == null ? null : new byte[(dataLen + 3) & ~3];
        this.keyOffsets = offsets(key);
        this.dataOffsets = data == null ? null : offsets(data);
    }

    /**
     * The elements of an anonymous set of a rule in {@code table}, encoded as for a named interval (or plain) set;
     * the encoder sends them under the anonymous set's name and id.
     */
    static ElementWriter anonymous(TableRef table, AnonymousSet a) {
        ElementWriter w = new ElementWriter(new NamedSet(table.set("__set"), a.key(), null, a.interval(), null), false);
        for (Object e : a.elements()) {
            if (e instanceof Cidr c) w.prefix(c);
            else if (e instanceof Range r) w.range(r.first(), r.last());
            else w.key(e);
            w.add();
        }
        return w;
    }

    private static int[] offsets(KeyType k) {
        int[] o = new int[k.size()];
        for (int i = 0; i < o.length; i++) o[i] = k.isConcat() ? k.offset(i) : 0;
        return o;
    }

    public NamedSet set() {
        return set;
    }

    /** Whether these elements are deleted rather than added. */
    public boolean deletes() {
        return delete;
    }

    /** The next key field; checked against the key type at once. */
    public ElementWriter key(Object value) {
        if (keyField >= key.size()) throw tooManyKeyFields(String.valueOf(value));
        FieldType t = key.field(keyField);
        String why = value instanceof Integer i ? t.tryWriteInt(i, keyBuf, keyOffsets[keyField])
                : t.tryWrite(value, keyBuf, keyOffsets[keyField]);
        if (why != null) throw new ValidationException(keyFieldName(), String.valueOf(value), why, t.accepted());
        keyField++;
        return this;
    }

    /** The next key field as an int (a port, a protocol number, a mark), without boxing. */
    public ElementWriter key(int value) {
        if (keyField >= key.size()) throw tooManyKeyFields(Integer.toString(value));
        FieldType t = key.field(keyField);
        String why = t.tryWriteInt(value, keyBuf, keyOffsets[keyField]);
        if (why != null) throw new ValidationException(keyFieldName(), Integer.toString(value), why, t.accepted());
        keyField++;
        return this;
    }

    /** For an interval set: the addresses of {@code prefix} (host bits are refused). */
    public ElementWriter prefix(Cidr prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.hasHostBits()) {
            throw new ValidationException(elementName() + " prefix", prefix.toString(), "host bits set; did you mean "
                    + prefix.subnet() + "?", "a network prefix");
        }
        return range(prefix.network(), prefix.last());
    }

    /** For an interval set: every value from {@code first} to {@code last}, inclusive. */
    public ElementWriter range(Object first, Object last) {
        if (!set.interval()) {
            throw new ValidationException(elementName(), first + "-" + last, "ranges need an interval set", "single keys");
        }
        key(first);
        FieldType t = key.field(0);
        String field = elementName() + " range end (" + t + ")";
        if (last instanceof Integer i) {
            t.writeInt(i, endBuf, 0, field);
        } else {
            t.write(last, endBuf, 0, field);
        }
        if (Arrays.compareUnsigned(keyBuf, 0, keyLen, endBuf, 0, keyLen) > 0) {
            throw new ValidationException(elementName() + " range", first + "-" + last, "the start is above the end",
                    "first <= last");
        }
        endGiven = true;
        return this;
    }

    /** The next value field of a map; checked against the value type at once. */
    public ElementWriter value(Object value) {
        if (!dataFieldReady()) throw dataFieldRefused(String.valueOf(value));
        FieldType t = data.field(dataField);
        String why = value instanceof Integer i ? t.tryWriteInt(i, dataBuf, dataOffsets[dataField])
                : t.tryWrite(value, dataBuf, dataOffsets[dataField]);
        if (why != null) throw new ValidationException(dataFieldName(), String.valueOf(value), why, t.accepted());
        dataField++;
        return this;
    }

    public ElementWriter value(int value) {
        if (!dataFieldReady()) throw dataFieldRefused(Integer.toString(value));
        FieldType t = data.field(dataField);
        String why = t.tryWriteInt(value, dataBuf, dataOffsets[dataField]);
        if (why != null) throw new ValidationException(dataFieldName(), Integer.toString(value), why, t.accepted());
        dataField++;
        return this;
    }

    /** The verdict of a verdict map element. */
    public ElementWriter verdict(Verdict v) {
        Objects.requireNonNull(v, "verdict");
        if (!set.isVerdictMap()) {
            throw new ValidationException(elementName() + " value", v.toString(), "the set is not a verdict map",
                    set.isMap() ? "values of type " + set.data() : "no value (it is a set)");
        }
        if (verdict != null) throw new ValidationException(elementName() + " value", v.toString(), "a second verdict", "one verdict");
        verdict = v;
        return this;
    }

    /** A comment on this element (in its userdata, as nft keeps it). */
    public ElementWriter comment(String text) {
        comment = NftNames.comment(elementName() + " comment", text);
        return this;
    }

    /** Completes the element; every key field (and for a map, the value) must have been given. */
    public ElementWriter add() {
        if (keyField != key.size()) {
            throw new ValidationException(elementName(), partial(), "has " + keyField + " of the key's " + key.size()
                    + " fields", "a key of type " + key);
        }
        boolean needsValue = set.isMap() && !delete;
        if (set.isVerdictMap() ? (needsValue && verdict == null) : (data != null && needsValue && dataField != data.size())) {
            throw new ValidationException(elementName(), partial(), "has no complete value", "a value of type " + set.data());
        }
        if (delete && (verdict != null || dataField > 0)) {
            // the kernel deletes by key; a value would only be compared, so refuse the ambiguity
            throw new ValidationException(elementName(), partial(), "a delete takes only the key", "the key alone");
        }
        if (set.interval()) {
            if (!endGiven) System.arraycopy(keyBuf, 0, endBuf, 0, keyLen);
            appendElement(keyBuf, 0, true);
            if (increment(endBuf, keyLen)) appendElement(endBuf, Uapi.NFT_SET_ELEM_INTERVAL_END(), false);
        } else {
            appendElement(keyBuf, 0, true);
        }
        added++;
        keyField = 0;
        dataField = 0;
        endGiven = false;
        verdict = null;
        comment = null;
        return this;
    }

    /** Convenience: the key fields, then the value fields (or a {@link Verdict}), then {@link #add()}. */
    public ElementWriter add(Object... keyThenValue) {
        int i = 0;
        for (; i < key.size() && i < keyThenValue.length; i++) key(keyThenValue[i]);
        for (; i < keyThenValue.length; i++) {
            if (keyThenValue[i] instanceof Verdict v) verdict(v);
            else value(keyThenValue[i]);
        }
        return add();
    }

    /** Elements added (an interval counts once). */
    public int count() {
        return added;
    }

    /**
     * The elements completed so far, decoded back from what will be sent, as a listing would show them (an
     * interval set's as prefixes and ranges, in order; a delete's as keys only).
     */
    public List<Element> elements() {
        MemorySegment seg = MemorySegment.ofArray(buf);
        List<Decoder.RawElement> raw = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Decoder.RawElement r = Decoder.element(new AttrCursor().reset(seg, start(i), length(i)));
            if (r != null) raw.add(r);
        }
        return Decoder.elements(set, raw);
    }

    // ---------------------------------------------------------------- encoding

    private void appendElement(byte[] k, int flags, boolean withValue) {
        // each element framed as sent (its NFTA_LIST_ELEM header first), so that a message's run of elements is
        // one copy (Encoder); start(i) and length(i) name the payload inside the frame
        int frame = nestStart(LIST_ELEM);
        if (flags != 0) {
            attrBe32(Uapi.NFTA_SET_ELEM_FLAGS(), flags);
        }
        int n = nestStart(Uapi.NFTA_SET_ELEM_KEY() | NESTED);
        attr(Uapi.NFTA_DATA_VALUE(), k, keyLen);
        nestEnd(n);
        if (withValue && !delete) {
            if (set.isVerdictMap()) {
                int d = nestStart(Uapi.NFTA_SET_ELEM_DATA() | NESTED);
                int v = nestStart(Uapi.NFTA_DATA_VERDICT() | NESTED);
                attrBe32(Uapi.NFTA_VERDICT_CODE(), verdict.kind().code());
                if (verdict.chain() != null) {
                    byte[] c = (verdict.chain() + "\0").getBytes(StandardCharsets.UTF_8);
                    attr(Uapi.NFTA_VERDICT_CHAIN(), c, c.length);
                }
                nestEnd(v);
                nestEnd(d);
            } else if (data != null) {
                int d = nestStart(Uapi.NFTA_SET_ELEM_DATA() | NESTED);
                attr(Uapi.NFTA_DATA_VALUE(), dataBuf, dataLen);
                nestEnd(d);
            }
        }
        if (withValue && comment != null && !delete) {
            byte[] c = Userdata.comment(Userdata.ELEM_COMMENT, comment);
            attr(Uapi.NFTA_SET_ELEM_USERDATA(), c, c.length);
        }
        nestEnd(frame);
        if (count + 2 > starts.length) starts = Arrays.copyOf(starts, starts.length * 2);
        starts[count++] = frame;
        starts[count] = len;
    }

    /** Adds one to a big-endian value; false if it wrapped (the range reached the top). */
    private static boolean increment(byte[] v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            if (++v[i] != 0) return true;
        }
        return false;
    }

    private void ensure(int n) {
        if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }

    private void header(int type, int length) {
        ensure(4);
        buf[len] = (byte) (HOST == ByteOrder.LITTLE_ENDIAN ? length : length >>> 8);
        buf[len + 1] = (byte) (HOST == ByteOrder.LITTLE_ENDIAN ? length >>> 8 : length);
        buf[len + 2] = (byte) (HOST == ByteOrder.LITTLE_ENDIAN ? type : type >>> 8);
        buf[len + 3] = (byte) (HOST == ByteOrder.LITTLE_ENDIAN ? type >>> 8 : type);
        len += 4;
    }

    private void attr(int type, byte[] payload, int n) {
        int padded = (n + 3) & ~3;
        ensure(4 + padded);
        header(type, 4 + n);
        System.arraycopy(payload, 0, buf, len, n);
        Arrays.fill(buf, len + n, len + padded, (byte) 0);
        len += padded;
    }

    private void attrBe32(int type, int v) {
        ensure(8);
        header(type, 8);
        FieldType.be32(buf, len, v);
        len += 4;
    }

    private int nestStart(int type) {
        int at = len;
        header(type, 0);
        return at;
    }

    private void nestEnd(int at) {
        int n = len - at;
        buf[at] = (byte) (HOST == ByteOrder.LITTLE_ENDIAN ? n : n >>> 8);
        buf[at + 1] = (byte) (HOST == ByteOrder.LITTLE_ENDIAN ? n >>> 8 : n);
    }

    /** Encoded elements (as sent: an interval is two). */
    int encodedCount() {
        return count;
    }

    byte[] buffer() {
        return buf;
    }

    /** Where encoded element {@code i}'s payload (the attributes inside its {@code NFTA_LIST_ELEM}) begins. */
    int start(int i) {
        return starts[i] + 4;
    }

    /** Encoded element {@code i}'s payload length. */
    int length(int i) {
        return starts[i + 1] - starts[i] - 4;
    }

    /**
     * Where encoded element {@code i}'s frame ({@code NFTA_LIST_ELEM} header and payload) begins; frames are back to
     * back, and {@code frameStart(encodedCount())} is where the last one ends.
     */
    int frameStart(int i) {
        return starts[i];
    }

    /** A short description of encoded element {@code i}'s key, for error messages. */
    String describe(int i) {
        // the key's DATA_VALUE sits after the optional flags attribute and the KEY nest header
        int p = start(i);
        int type = u16(p + 2) & 0x7fff;
        if (type == Uapi.NFTA_SET_ELEM_FLAGS()) p += 8;
        int vlen = u16(p + 4) - 4;
        byte[] k = Arrays.copyOfRange(buf, p + 8, p + 8 + vlen);
        return Elements.formatKey(key, k);
    }

    private int u16(int at) {
        int a = buf[at] & 0xff;
        int b = buf[at + 1] & 0xff;
        return HOST == ByteOrder.LITTLE_ENDIAN ? a | b << 8 : a << 8 | b;
    }

    // ---------------------------------------------------------------- checks

    private ValidationException tooManyKeyFields(String value) {
        return new ValidationException(elementName() + " key", value, "one field more than the key's " + key.size(),
                "a key of type " + key);
    }

    private boolean dataFieldReady() {
        return data != null && keyField == key.size() && dataField < data.size();
    }

    private ValidationException dataFieldRefused(String value) {
        if (data == null) {
            return new ValidationException(elementName() + " value", value,
                    set.isVerdictMap() ? "a verdict map takes a verdict()" : "a set has no values", set.isVerdictMap()
                            ? "verdict(...)" : "keys only");
        }
        if (keyField != key.size()) {
            return new ValidationException(elementName() + " value", value, "given before the key is complete ("
                    + keyField + " of " + key.size() + " fields)", "the key fields first");
        }
        return new ValidationException(elementName() + " value", value, "one field more than the value's "
                + data.size(), "a value of type " + data);
    }

    private String keyFieldName() {
        return elementName() + " key field " + (keyField + 1) + " (" + key.field(keyField) + ")";
    }

    private String dataFieldName() {
        return elementName() + " value field " + (dataField + 1) + " (" + data.field(dataField) + ")";
    }

    private String elementName() {
        return "element " + (added + 1) + " of " + (set.isMap() ? "map " : "set ") + set.name();
    }

    private String partial() {
        return keyField + " key fields, " + (verdict != null ? "verdict " + verdict : dataField + " value fields");
    }
}
