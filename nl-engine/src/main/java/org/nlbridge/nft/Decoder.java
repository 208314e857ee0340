package org.nlbridge.nft;

import static org.nlbridge.bindings.linux.Uapi.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netlink.AttrCursor;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.WireFormatException;

/**
 * Decodes listing replies ({@code NFT_MSG_NEW*} messages of a dump) into the engine's objects. A message about an
 * object the engine cannot represent (a name outside its charset, a key type it does not know) decodes to null and
 * is left out, rather than failing a whole listing.
 */
final class Decoder {
    private Decoder() {}

    private static final int NFGENMSG = 4;

    static int family(MsgCursor m) {
        return m.u8At(0);
    }

    record TableRow(Table table, long handle) {}

    record ChainRow(Chain chain, long handle) {}

    /** A set as listed; {@code anonymous} for the set of a rule ({@code __set0}), which nft prints inside it. */
    record SetRow(NamedSet set, long handle, boolean anonymous) {}

    /** The table name of a table message, or null. */
    static TableRow table(MsgCursor m) {
        Family f = Family.ofNfproto(family(m));
        AttrCursor a = m.attributes(new AttrCursor(), NFGENMSG);
        String name = null;
        long handle = 0;
        byte[] udata = null;
        while (a.next()) {
            int t = a.type();
            if (t == NFTA_TABLE_NAME()) name = a.string();
            else if (t == NFTA_TABLE_HANDLE()) handle = a.be64();
            else if (t == NFTA_TABLE_USERDATA()) udata = a.bytes();
        }
        if (f == null || name == null) return null;
        try {
            String comment = udata == null ? null : Userdata.findComment(udata, Userdata.TABLE_COMMENT);
            return new TableRow(new Table(new TableRef(f, name), comment), handle);
        } catch (ValidationException e) {
            return null;
        }
    }

    /** A chain message, if it belongs to {@code table}; else null. */
    static ChainRow chain(MsgCursor m, TableRef table) {
        if (family(m) != table.family().nfproto()) return null;
        AttrCursor a = m.attributes(new AttrCursor(), NFGENMSG);
        String tname = null, name = null, type = null;
        long handle = 0;
        int hooknum = -1, prio = 0, policy = NF_ACCEPT();
        byte[] udata = null;
        while (a.next()) {
            int t = a.type();
            if (t == NFTA_CHAIN_TABLE()) tname = a.string();
            else if (t == NFTA_CHAIN_NAME()) name = a.string();
            else if (t == NFTA_CHAIN_HANDLE()) handle = a.be64();
            else if (t == NFTA_CHAIN_TYPE()) type = a.string();
            else if (t == NFTA_CHAIN_POLICY()) policy = a.be32();
            else if (t == NFTA_CHAIN_USERDATA()) udata = a.bytes();
            else if (t == NFTA_CHAIN_HOOK()) {
                AttrCursor h = a.enter(new AttrCursor());
                while (h.next()) {
                    if (h.type() == NFTA_HOOK_HOOKNUM()) hooknum = h.be32();
                    else if (h.type() == NFTA_HOOK_PRIORITY()) prio = h.be32();
                }
            }
        }
        if (!table.name().equals(tname) || name == null) return null;
        try {
            ChainRef ref = table.chain(name);
            String comment = udata == null ? null : Userdata.findComment(udata, Userdata.CHAIN_COMMENT);
            Chain.Base base = null;
            if (hooknum >= 0) {
                Hook hook = Hook.ofNumber(hooknum);
                if (hook == null || type == null) return null;
                base = new Chain.Base(ChainType.parse("chain type", type), hook, Priority.of(prio), Policy.ofCode(policy));
            }
            return new ChainRow(new Chain(ref, base, comment), handle);
        } catch (ValidationException e) {
            return null;
        }
    }

    /** A rule message, if it belongs to {@code table}; else null. */
    static Rule rule(MsgCursor m, TableRef table) {
        if (family(m) != table.family().nfproto()) return null;
        AttrCursor a = m.attributes(new AttrCursor(), NFGENMSG);
        String tname = null, chain = null;
        long handle = 0;
        byte[] udata = null;
        List<Expr> exprs = new ArrayList<>();
        while (a.next()) {
            int t = a.type();
            if (t == NFTA_RULE_TABLE()) tname = a.string();
            else if (t == NFTA_RULE_CHAIN()) chain = a.string();
            else if (t == NFTA_RULE_HANDLE()) handle = a.be64();
            else if (t == NFTA_RULE_USERDATA()) udata = a.bytes();
            else if (t == NFTA_RULE_EXPRESSIONS()) {
                AttrCursor list = a.enter(new AttrCursor());
                while (list.next()) {
                    if (list.type() == NFTA_LIST_ELEM()) exprs.add(ExprCodec.decode(list));
                }
            }
        }
        if (!table.name().equals(tname) || chain == null) return null;
        try {
            String comment = udata == null ? null : Userdata.findComment(udata, Userdata.RULE_COMMENT);
            return new Rule(table.chain(chain), exprs, comment, handle);
        } catch (ValidationException e) {
            return null;
        }
    }

    /** A set message (named or anonymous), if it belongs to {@code table} and has types the engine knows; else null. */
    static SetRow set(MsgCursor m, TableRef table) {
        if (family(m) != table.family().nfproto()) return null;
        AttrCursor a = m.attributes(new AttrCursor(), NFGENMSG);
        String tname = null, name = null;
        long handle = 0;
        int flags = 0, keyType = 0, keyLen = 0, dataType = 0, dataLen = 0;
        boolean hasData = false;
        boolean counter = false;
        byte[] udata = null;
        while (a.next()) {
            int t = a.type();
            if (t == NFTA_SET_EXPR()) counter |= ExprCodec.decode(a) instanceof Expr.Counter;
            else if (t == NFTA_SET_EXPRESSIONS()) counter |= firstCounter(a) != null;
            else if (t == NFTA_SET_TABLE()) tname = a.string();
            else if (t == NFTA_SET_NAME()) name = a.string();
            else if (t == NFTA_SET_HANDLE()) handle = a.be64();
            else if (t == NFTA_SET_FLAGS()) flags = a.be32();
            else if (t == NFTA_SET_KEY_TYPE()) keyType = a.be32();
            else if (t == NFTA_SET_KEY_LEN()) keyLen = a.be32();
            else if (t == NFTA_SET_DATA_TYPE()) { dataType = a.be32(); hasData = true; }
            else if (t == NFTA_SET_DATA_LEN()) dataLen = a.be32();
            else if (t == NFTA_SET_USERDATA()) udata = a.bytes();
        }
        if (!table.name().equals(tname) || name == null) return null;
        KeyType key = KeyType.ofTypeId(keyType, keyLen);
        if (key == null) return null;
        KeyType data = null;
        if ((flags & NFT_SET_MAP()) != 0 && hasData) {
            data = dataType == NFT_DATA_VERDICT() ? KeyType.VERDICT : KeyType.ofTypeId(dataType, dataLen);
            if (data == null) return null;
        }
        try {
            String comment = udata == null ? null : Userdata.findComment(udata, Userdata.SET_COMMENT);
            return new SetRow(new NamedSet(table.set(name), key, data, (flags & NFT_SET_INTERVAL()) != 0, counter,
                    comment), handle, (flags & NFT_SET_ANONYMOUS()) != 0);
        } catch (ValidationException e) {
            return null;
        }
    }

    /** The first counter in an expression list nest ({@code NFTA_SET_EXPRESSIONS}), or null. */
    private static Expr.Counter firstCounter(AttrCursor list) {
        AttrCursor in = list.enter(new AttrCursor());
        while (in.next()) {
            if (in.type() == NFTA_LIST_ELEM() && ExprCodec.decode(in) instanceof Expr.Counter c) return c;
        }
        return null;
    }

    /** One raw element: key bytes, flags, value bytes or verdict, comment, counter (null without). */
    record RawElement(byte[] key, int flags, byte[] value, Verdict verdict, String comment, Expr.Counter counter) {}

    /** Appends the elements of a GETSETELEM reply message to {@code out}. */
    static void elements(MsgCursor m, List<RawElement> out) {
        AttrCursor a = m.attributes(new AttrCursor(), NFGENMSG);
        while (a.next()) {
            if (a.type() != NFTA_SET_ELEM_LIST_ELEMENTS()) continue;
            AttrCursor list = a.enter(new AttrCursor());
            while (list.next()) {
                if (list.type() != NFTA_LIST_ELEM()) continue;
                RawElement r = element(list.enter(new AttrCursor()));
                if (r != null) out.add(r);
            }
        }
    }

    /**
     * One element from a cursor over its attributes ({@code NFTA_SET_ELEM_*}), or null for a catch-all element
     * (which has no key).
     */
    static RawElement element(AttrCursor e) {
        byte[] key = null, value = null;
        Verdict verdict = null;
        int flags = 0;
        String comment = null;
        Expr.Counter counter = null;
        while (e.next()) {
            int t = e.type();
            if (t == NFTA_SET_ELEM_EXPR()) {
                if (ExprCodec.decode(e) instanceof Expr.Counter c) counter = c;
            } else if (t == NFTA_SET_ELEM_EXPRESSIONS()) {
                counter = firstCounter(e);
            } else if (t == NFTA_SET_ELEM_KEY()) {
                Data d = ExprCodec.valueOf(e);
                key = d == null ? null : d.array();
            } else if (t == NFTA_SET_ELEM_FLAGS()) {
                flags = e.be32();
            } else if (t == NFTA_SET_ELEM_USERDATA()) {
                comment = Userdata.findComment(e.bytes(), Userdata.ELEM_COMMENT);
            } else if (t == NFTA_SET_ELEM_DATA()) {
                AttrCursor d = e.enter(new AttrCursor());
                while (d.next()) {
                    if (d.type() == NFTA_DATA_VALUE()) value = d.bytes();
                    else if (d.type() == NFTA_DATA_VERDICT()) {
                        try {
                            verdict = ExprCodec.verdictOf(d);
                        } catch (ValidationException ex) {
                            verdict = null;
                        }
                    }
                }
            }
        }
        if (key == null) {
            if ((flags & NFT_SET_ELEM_CATCHALL()) != 0) return null;
            throw new WireFormatException("set element without a key");
        }
        return new RawElement(key, flags, value, verdict, comment, counter);
    }

    /** Raw elements as the engine's elements; interval sets pair each start with the end after it. */
    static List<Element> elements(NamedSet set, List<RawElement> raw) {
        List<Element> out = new ArrayList<>(raw.size());
        KeyType kt = set.key();
        if (!set.interval()) {
            for (RawElement r : raw) {
                List<Object> value = r.value != null && set.isMap() && !set.isVerdictMap() ? Elements.decode(set.data(), r.value) : null;
                out.add(new Element(kt, Elements.decode(kt, r.key), set.data(), value, r.verdict, r.comment,
                        r.counter));
            }
            return out;
        }
        List<RawElement> sorted = new ArrayList<>(raw);
        sorted.sort((x, y) -> {
            int c = Arrays.compareUnsigned(x.key, y.key);
            // at one key, the end of the interval before comes first, then the start of the next (adjacent intervals)
            int end = NFT_SET_ELEM_INTERVAL_END();
            return c != 0 ? c : Integer.compare(y.flags & end, x.flags & end);
        });
        FieldType ft = kt.field(0);
        for (int i = 0; i < sorted.size(); i++) {
            RawElement start = sorted.get(i);
            if ((start.flags & NFT_SET_ELEM_INTERVAL_END()) != 0) continue;
            byte[] last;
            if (i + 1 < sorted.size() && (sorted.get(i + 1).flags & NFT_SET_ELEM_INTERVAL_END()) != 0) {
                last = sorted.get(i + 1).key.clone();
                decrement(last);
                i++;
            } else {
                last = new byte[start.key.length];
                Arrays.fill(last, (byte) 0xff);
            }
            out.add(new Element(kt, List.of(interval(ft, start.key, last)), null, null, null, start.comment,
                    start.counter));
        }
        return out;
    }

    /** The element {@code first..last} as listed: one value, a prefix ({@link Cidr}) or a {@link Range}. */
    static Object interval(FieldType ft, byte[] first, byte[] last) {
        Object a = ft.read(first, 0);
        if (Arrays.equals(first, last)) return a;
        if (a instanceof IpAddress addr) {
            int bits = first.length * 8;
            for (int p = 0; p <= bits; p++) {
                Cidr c = Cidr.of(addr, p);
                if (!c.hasHostBits() && c.last().equals(ft.read(last, 0))) return c;
            }
        }
        return new Range(a, ft.read(last, 0));
    }

    private static void decrement(byte[] v) {
        for (int i = v.length - 1; i >= 0; i--) {
            if (v[i]-- != 0) return;
        }
    }
}
