package org.nlbridge.nft;

import static org.nlbridge.bindings.linux.Uapi.*;

import java.util.concurrent.atomic.AtomicInteger;

import org.nlbridge.netlink.MsgWriter;
import org.nlbridge.netlink.NfTransaction;

/** Encodes a {@link Transaction}'s operations as nf_tables requests into an {@link NfTransaction}. */
final class Encoder {
    private Encoder() {}

    /** Largest {@code NFTA_SET_ELEM_LIST_ELEMENTS} payload per message, safely below the 64 KiB of {@code nla_len}. */
    static final int ELEMENTS_PER_MESSAGE_BYTES = 60_000;
    /**
     * The destroy messages of Linux 6.3 (delete, but no error when absent). Newer than the uapi header the bindings
     * were generated from, so spelled out here: {@code enum nf_tables_msg_types} continues
     * {@code NFT_MSG_GETRULE_RESET = 25, NFT_MSG_DESTROYTABLE, DESTROYCHAIN, DESTROYRULE, DESTROYSET,
     * DESTROYSETELEM}.
     */
    static final int NFT_MSG_DESTROYTABLE = 26;
    static final int NFT_MSG_DESTROYCHAIN = 27;
    static final int NFT_MSG_DESTROYSET = 29;
    static final int NFT_MSG_DESTROYSETELEM = 30;
    private static final AtomicInteger SET_IDS = new AtomicInteger();

    /** What a request is about, named in its failure; its text is built only if it is printed. */
    record Subject(String what, Object object) {
        @Override
        public String toString() {
            return switch (object) {
                case Rule r -> what + " in chain " + r.chain() + ": " + r;
                default -> what + " " + object;
            };
        }
    }

    /** Elements {@code from..to} (0-based, as sent) of one writer. */
    record ElementsSubject(String verb, ElementWriter w, int from, int to) {
        @Override
        public String toString() {
            String kind = w.set().isMap() ? "map " : "set ";
            String range = from == to ? "element " + (from + 1) : "elements " + (from + 1) + ".." + (to + 1);
            return verb + " " + range + " of " + kind + w.set().ref() + " (first: " + w.describe(from) + ")";
        }
    }

    /** An {@code instanceof} chain, as {@link Transaction.Op#table()} says why. */
    static void encode(NfTransaction tx, Transaction t) {
        for (Transaction.Op op : t.ops()) {
            Object o = op.object();
            if (o instanceof Table table) table(tx, op.verb(), table);
            else if (o instanceof TableRef ref) tableRef(tx, op.verb(), ref);
            else if (o instanceof Chain chain) chain(tx, op.verb(), chain);
            else if (o instanceof ChainRef ref) chainRef(tx, op, ref);
            else if (o instanceof NamedSet set) set(tx, op.verb(), set);
            else if (o instanceof SetRef ref) setRef(tx, op.verb(), ref);
            else if (o instanceof Rule rule) rule(tx, op, rule);
            else if (o instanceof ElementWriter w) elements(tx, op.verb(), w);
            else throw new IllegalStateException("unknown operation " + op);
        }
    }

    private static int createFlags(Transaction.Verb v) {
        return v == Transaction.Verb.CREATE ? NLM_F_CREATE() | NLM_F_EXCL() : NLM_F_CREATE();
    }

    private static void table(NfTransaction tx, Transaction.Verb v, Table t) {
        MsgWriter w = tx.begin(NFT_MSG_NEWTABLE(), createFlags(v), t.ref().family().nfproto(),
                new Subject(v == Transaction.Verb.CREATE ? "create table" : "add table", t.ref()));
        w.putString(NFTA_TABLE_NAME(), t.ref().name());
        if (t.comment() != null) w.putBytes(NFTA_TABLE_USERDATA(), Userdata.comment(Userdata.TABLE_COMMENT, t.comment()));
        tx.end();
    }

    private static void tableRef(NfTransaction tx, Transaction.Verb v, TableRef t) {
        if (v == Transaction.Verb.DESTROY) {
            MsgWriter w = tx.begin(NFT_MSG_DESTROYTABLE, 0, t.family().nfproto(), new Subject("destroy table", t));
            w.putString(NFTA_TABLE_NAME(), t.name());
        } else if (v == Transaction.Verb.DELETE) {
            MsgWriter w = tx.begin(NFT_MSG_DELTABLE(), 0, t.family().nfproto(), new Subject("delete table", t));
            w.putString(NFTA_TABLE_NAME(), t.name());
        } else {
            MsgWriter w = tx.begin(NFT_MSG_DELRULE(), 0, t.family().nfproto(), new Subject("flush table", t));
            w.putString(NFTA_RULE_TABLE(), t.name());
        }
        tx.end();
    }

    private static void chain(NfTransaction tx, Transaction.Verb v, Chain c) {
        MsgWriter w = tx.begin(NFT_MSG_NEWCHAIN(), createFlags(v), c.table().family().nfproto(),
                new Subject(v == Transaction.Verb.CREATE ? "create chain" : "add chain", c.ref()));
        w.putString(NFTA_CHAIN_TABLE(), c.table().name());
        w.putString(NFTA_CHAIN_NAME(), c.name());
        Chain.Base b = c.base();
        if (b != null) {
            long hook = w.nestStart(NFTA_CHAIN_HOOK());
            w.putBe32(NFTA_HOOK_HOOKNUM(), b.hook().number());
            w.putBe32(NFTA_HOOK_PRIORITY(), b.priority().value());
            w.nestEnd(hook);
            w.putBe32(NFTA_CHAIN_POLICY(), b.policy().code());
            w.putString(NFTA_CHAIN_TYPE(), b.type().toString());
        }
        if (c.comment() != null) w.putBytes(NFTA_CHAIN_USERDATA(), Userdata.comment(Userdata.CHAIN_COMMENT, c.comment()));
        tx.end();
    }

    private static void chainRef(NfTransaction tx, Transaction.Op op, ChainRef c) {
        int fam = c.table().family().nfproto();
        switch (op.verb()) {
            case DELETE -> {
                if (op.handle() != 0) {
                    MsgWriter w = tx.begin(NFT_MSG_DELRULE(), 0, fam, new Subject("delete rule handle " + op.handle()
                            + " in chain", c));
                    w.putString(NFTA_RULE_TABLE(), c.table().name());
                    w.putString(NFTA_RULE_CHAIN(), c.name());
                    w.putBe64(NFTA_RULE_HANDLE(), op.handle());
                } else {
                    MsgWriter w = tx.begin(NFT_MSG_DELCHAIN(), 0, fam, new Subject("delete chain", c));
                    w.putString(NFTA_CHAIN_TABLE(), c.table().name());
                    w.putString(NFTA_CHAIN_NAME(), c.name());
                }
            }
            case DESTROY -> {
                MsgWriter w = tx.begin(NFT_MSG_DESTROYCHAIN, 0, fam, new Subject("destroy chain", c));
                w.putString(NFTA_CHAIN_TABLE(), c.table().name());
                w.putString(NFTA_CHAIN_NAME(), c.name());
            }
            case FLUSH -> {
                MsgWriter w = tx.begin(NFT_MSG_DELRULE(), 0, fam, new Subject("flush chain", c));
                w.putString(NFTA_RULE_TABLE(), c.table().name());
                w.putString(NFTA_RULE_CHAIN(), c.name());
            }
            default -> throw new IllegalStateException(op.toString());
        }
        tx.end();
    }

    private static void set(NfTransaction tx, Transaction.Verb v, NamedSet s) {
        String kind = s.isMap() ? " map" : " set";
        MsgWriter w = tx.begin(NFT_MSG_NEWSET(), createFlags(v), s.table().family().nfproto(),
                new Subject((v == Transaction.Verb.CREATE ? "create" : "add") + kind, s.ref()));
        // the kernel requires an id; we refer to named sets by name
        set(w, s, SET_IDS.incrementAndGet());
        tx.end();
    }

    /** The attributes of a {@code NFT_MSG_NEWSET} for {@code s}, in the order nft sends them. */
    static void set(MsgWriter w, NamedSet s, int id) {
        w.putString(NFTA_SET_TABLE(), s.table().name());
        w.putString(NFTA_SET_NAME(), s.name());
        int flags = 0;
        if (s.isMap()) flags |= NFT_SET_MAP();
        if (s.interval()) flags |= NFT_SET_INTERVAL();
        w.putBe32(NFTA_SET_FLAGS(), flags);
        w.putBe32(NFTA_SET_KEY_TYPE(), s.key().typeId());
        w.putBe32(NFTA_SET_KEY_LEN(), s.key().length());
        if (s.isVerdictMap()) {
            w.putBe32(NFTA_SET_DATA_TYPE(), NFT_DATA_VERDICT());
        } else if (s.isMap()) {
            w.putBe32(NFTA_SET_DATA_TYPE(), s.data().typeId());
            w.putBe32(NFTA_SET_DATA_LEN(), s.data().length());
        }
        w.putBe32(NFTA_SET_ID(), id);
        w.putBytes(NFTA_SET_USERDATA(), Userdata.set(s));
        // one expression goes in NFTA_SET_EXPR (NFTA_SET_EXPRESSIONS is for several); the kernel gives each element
        // its own instance of it
        if (s.counter()) ExprCodec.encodeIn(w, NFTA_SET_EXPR(), Expr.Counter.ZERO);
    }

    private static void setRef(NfTransaction tx, Transaction.Verb v, SetRef s) {
        int fam = s.table().family().nfproto();
        if (v == Transaction.Verb.DELETE || v == Transaction.Verb.DESTROY) {
            boolean destroy = v == Transaction.Verb.DESTROY;
            MsgWriter w = tx.begin(destroy ? NFT_MSG_DESTROYSET : NFT_MSG_DELSET(), 0, fam,
                    new Subject(destroy ? "destroy set" : "delete set", s));
            w.putString(NFTA_SET_TABLE(), s.table().name());
            w.putString(NFTA_SET_NAME(), s.name());
        } else {
            // a DELSETELEM without elements flushes the set
            MsgWriter w = tx.begin(NFT_MSG_DELSETELEM(), 0, fam, new Subject("flush set", s));
            w.putString(NFTA_SET_ELEM_LIST_TABLE(), s.table().name());
            w.putString(NFTA_SET_ELEM_LIST_SET(), s.name());
        }
        tx.end();
    }

    private static void rule(NfTransaction tx, Transaction.Op op, Rule r) {
        int flags;
        String what;
        switch (op.verb()) {
            case APPEND -> { flags = NLM_F_CREATE() | NLM_F_APPEND(); what = "add rule"; }
            case INSERT -> { flags = NLM_F_CREATE(); what = "insert rule"; }
            case INSERT_BEFORE -> { flags = NLM_F_CREATE(); what = "insert rule before handle " + op.handle(); }
            case ADD_AFTER -> { flags = NLM_F_CREATE() | NLM_F_APPEND(); what = "add rule after handle " + op.handle(); }
            case REPLACE -> { flags = NLM_F_REPLACE(); what = "replace rule handle " + op.handle(); }
            default -> throw new IllegalStateException(op.toString());
        }
        int[] anonymousIds = anonymousSets(tx, r);
        MsgWriter w = tx.begin(NFT_MSG_NEWRULE(), flags, r.chain().table().family().nfproto(), new Subject(what, r));
        w.putString(NFTA_RULE_TABLE(), r.chain().table().name());
        w.putString(NFTA_RULE_CHAIN(), r.chain().name());
        if (op.verb() == Transaction.Verb.REPLACE) w.putBe64(NFTA_RULE_HANDLE(), op.handle());
        if (op.verb() == Transaction.Verb.INSERT_BEFORE || op.verb() == Transaction.Verb.ADD_AFTER) {
            w.putBe64(NFTA_RULE_POSITION(), op.handle());
        }
        ExprCodec.encodeList(w, NFTA_RULE_EXPRESSIONS(), r.exprs(), anonymousIds);
        if (r.comment() != null) w.putBytes(NFTA_RULE_USERDATA(), Userdata.comment(Userdata.RULE_COMMENT, r.comment()));
        tx.end();
    }

    /** Element batches, split into messages whose element list stays below the attribute size limit. */
    private static void elements(NfTransaction tx, Transaction.Verb v, ElementWriter el) {
        elements(tx, v, el, el.set().name(), 0, null);
    }

    /**
     * {@code el}'s elements for the set named {@code setName}, which is also known by {@code setId} when that is
     * not 0 (an anonymous set, sent in the same transaction); failures name {@code subject}, or when it is null the
     * elements of each message.
     */
    private static void elements(NfTransaction tx, Transaction.Verb v, ElementWriter el, String setName, int setId,
                                 Object subject) {
        boolean add = v == Transaction.Verb.ADD_ELEMENTS;
        boolean destroy = v == Transaction.Verb.DESTROY_ELEMENTS;
        int n = el.encodedCount();
        int fam = el.set().table().family().nfproto();
        byte[] buf = el.buffer();
        int i = 0;
        while (i < n) {
            int from = i;
            int bytes = 0;
            int to = i;
            while (to < n && (to == from || bytes + 4 + el.length(to) <= ELEMENTS_PER_MESSAGE_BYTES)) {
                bytes += 4 + el.length(to);
                to++;
            }
            int type = add ? NFT_MSG_NEWSETELEM() : destroy ? NFT_MSG_DESTROYSETELEM : NFT_MSG_DELSETELEM();
            MsgWriter w = tx.begin(type, add ? NLM_F_CREATE() : 0, fam, subject != null ? subject
                    : new ElementsSubject(add ? "add" : destroy ? "destroy" : "delete", el, from, to - 1));
            w.putString(NFTA_SET_ELEM_LIST_TABLE(), el.set().table().name());
            w.putString(NFTA_SET_ELEM_LIST_SET(), setName);
            if (setId != 0) w.putBe32(NFTA_SET_ELEM_LIST_SET_ID(), setId);
            long list = w.nestStart(NFTA_SET_ELEM_LIST_ELEMENTS());
            // the elements are framed as sent: the run from..to-1 is one copy
            w.putEncoded(buf, el.frameStart(from), el.frameStart(to) - el.frameStart(from));
            w.nestEnd(list);
            tx.end();
            i = to;
        }
    }

    /**
     * The anonymous sets of a rule's lookups, each sent before the rule as nft sends it: a constant set named
     * {@code __set%d} and its elements, both referred to by a fresh {@code NFTA_SET_ID}, which the rule's lookup
     * gives too. Returns those ids in the order of the lookups.
     */
    private static int[] anonymousSets(NfTransaction tx, Rule r) {
        int count = 0;
        for (Expr e : r.exprs()) {
            if (e instanceof Expr.Lookup l && l.anonymous() != null) count++;
        }
        int[] ids = new int[count];
        if (count == 0) return ids;
        TableRef t = r.chain().table();
        int k = 0;
        for (Expr e : r.exprs()) {
            if (!(e instanceof Expr.Lookup l) || l.anonymous() == null) continue;
            int id = SET_IDS.incrementAndGet();
            ids[k++] = id;
            ElementWriter el = ElementWriter.anonymous(t, l.anonymous());
            Subject subject = new Subject("add the anonymous set " + l.anonymous() + " of rule", r);
            MsgWriter w = tx.begin(NFT_MSG_NEWSET(), NLM_F_CREATE(), t.family().nfproto(), subject);
            anonymousSet(w, t, l.anonymous(), el.encodedCount(), id);
            tx.end();
            elements(tx, Transaction.Verb.ADD_ELEMENTS, el, AnonymousSet.NAME, id, subject);
        }
        return ids;
    }

    /**
     * The attributes of the {@code NFT_MSG_NEWSET} of an anonymous set of {@code size} encoded elements, in the order
     * nft sends them: anonymous and constant (and interval, with prefixes or ranges), its size as a hint for the
     * kernel's choice of backend.
     */
    static void anonymousSet(MsgWriter w, TableRef t, AnonymousSet a, int size, int id) {
        w.putString(NFTA_SET_TABLE(), t.name());
        w.putString(NFTA_SET_NAME(), AnonymousSet.NAME);
        int flags = NFT_SET_ANONYMOUS() | NFT_SET_CONSTANT();
        if (a.interval()) flags |= NFT_SET_INTERVAL();
        w.putBe32(NFTA_SET_FLAGS(), flags);
        w.putBe32(NFTA_SET_KEY_TYPE(), a.key().typeId());
        w.putBe32(NFTA_SET_KEY_LEN(), a.key().length());
        w.putBe32(NFTA_SET_ID(), id);
        long desc = w.nestStart(NFTA_SET_DESC());
        w.putBe32(NFTA_SET_DESC_SIZE(), size);
        w.nestEnd(desc);
        w.putBytes(NFTA_SET_USERDATA(), Userdata.set(a.key(), null, null));
    }
}
