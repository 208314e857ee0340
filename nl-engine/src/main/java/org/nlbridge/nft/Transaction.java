package org.nlbridge.nft;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.nlbridge.net.ValidationException;

/**
 * One logical change to the engine's tables, recorded here and sent by {@link Nft#commit} as one nftables
 * transaction ({@code NFNL_MSG_BATCH_BEGIN … END}): the kernel applies all of it or none of it. Operations are
 * sent in the order they were recorded, so create a table before its chains, a set before the rules that look it
 * up, and delete rules before the chains they are in.
 *
 * <p>Everything is validated while recording, before anything is sent: names, hooks, priorities, set key types,
 * element values, and that every object lies in a table the engine owns. The verbs follow the kernel's two
 * meanings: {@code add*} creates or leaves an existing object as it is ({@code NLM_F_CREATE}, like {@code nft add});
 * {@code create*} fails with {@link org.nlbridge.netlink.ObjectExistsException} if it exists ({@code NLM_F_EXCL},
 * like {@code nft create}).
 */
public final class Transaction {

    /** What a recorded operation does; the verbs are the methods that record them. */
    public enum Verb {
        ADD, CREATE, DELETE, DESTROY, FLUSH, APPEND, INSERT, INSERT_BEFORE, ADD_AFTER, REPLACE, ADD_ELEMENTS,
        DELETE_ELEMENTS, DESTROY_ELEMENTS
    }

    /**
     * One recorded operation: a verb, its object and for rules the handle it refers to (0 for none). The object is
     * a {@link Table} (add, create), {@link TableRef} (delete, destroy, flush), {@link Chain} (add, create),
     * {@link ChainRef} (delete, destroy, flush; delete with a handle: a rule), {@link NamedSet} (add, create),
     * {@link SetRef} (delete, destroy, flush), {@link Rule} (append, insert, insert before, add after, replace) or
     * {@link ElementWriter} (add, delete, destroy elements).
     */
    public record Op(Verb verb, Object object, long handle) {
        /**
         * The table the operation writes. An {@code instanceof} chain rather than a pattern switch: the switch's
         * class is generated at run time (SwitchBootstraps, not kept by a JDK 25 AOT cache), in every command that
         * writes the firewall; {@code object} is Object, so a switch had a default and no exhaustiveness to lose.
         */
        public TableRef table() {
            if (object instanceof ElementWriter w) return w.set().table();
            if (object instanceof Rule r) return r.chain().table();
            if (object instanceof Table t) return t.ref();
            if (object instanceof TableRef t) return t;
            if (object instanceof Chain c) return c.table();
            if (object instanceof ChainRef c) return c.table();
            if (object instanceof NamedSet n) return n.table();
            if (object instanceof SetRef r) return r.table();
            throw new IllegalStateException("unknown operation object " + object);
        }

        /** The operation as an {@code nft -f} command: {@code add rule ip nlbridge forward oifname "br0" accept}. */
        @Override
        public String toString() {
            return NftScriptText.command(this);
        }
    }

    private final Set<TableRef> owned;
    private final Set<ChainRef> guests;
    private final List<Op> ops = new ArrayList<>();

    /**
     * An empty transaction that may write {@code tables}. {@link Nft#transaction()} gives one for the tables the
     * engine owns; one made here can be rendered ({@link #toScript()}) or committed to an engine, which refuses it if
     * it writes a table the engine does not own.
     */
    public Transaction(Collection<TableRef> tables) {
        this(tables, List.of());
    }

    /**
     * An empty transaction that may write {@code tables}, and add and delete single rules (nothing else: no flush, no
     * chain, no set, no table) in {@code guestChains}, chains of tables someone else owns. That is how nlbridge
     * lets its traffic through another firewall's chain ({@code ip filter FORWARD} of iptables-nft) without ever
     * changing that firewall's own rules.
     */
    public Transaction(Collection<TableRef> tables, Collection<ChainRef> guestChains) {
        this.owned = Set.copyOf(tables);
        this.guests = Set.copyOf(guestChains);
    }

    /** The tables this transaction may write. */
    public Set<TableRef> tables() {
        return owned;
    }

    /** The chains of other tables it may add rules to and delete rules from. */
    public Set<ChainRef> guestChains() {
        return guests;
    }

    /** Whether {@code op} writes only what {@code tables} and {@code guestChains} allow. */
    static boolean allowed(Op op, Set<TableRef> tables, Set<ChainRef> guestChains) {
        if (tables.contains(op.table())) return true;
        ChainRef chain = switch (op.object()) {
            case Rule r -> r.chain();
            case ChainRef c when op.verb() == Verb.DELETE && op.handle() != 0 -> c;
            default -> null;
        };
        return chain != null && guestChains.contains(chain) && op.verb() != Verb.REPLACE;
    }

    /** The refusal of an operation outside {@code tables} and {@code guestChains}. */
    static ValidationException notOwned(Op op, Set<TableRef> tables, Set<ChainRef> guestChains) {
        String what = op.object() instanceof Rule || op.object() instanceof ChainRef && op.handle() != 0
                ? "is not a table this engine owns, nor a chain it may add its own rules to"
                : "is not a table this engine owns; it never writes others";
        String accepted = tables.isEmpty() && guestChains.isEmpty() ? "no tables (none were given to Nft.open)"
                : java.util.stream.Stream.concat(tables.stream().map(TableRef::toString),
                        guestChains.stream().map(c -> "rules in " + c)).sorted().collect(Collectors.joining(", "));
        return new ValidationException("table", op.table().toString(), what, accepted);
    }

    /** Operations recorded so far (element batches count once). */
    public int size() {
        return ops.size();
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    /** The operations recorded so far, in the order they are sent. */
    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    /**
     * The transaction as an {@code nft -f} script, one command per line, which nft applies as one transaction too:
     * for plans, logs, and tests that load our objects with the real nft. Element batches are decoded back from their
     * encoding, so the script shows exactly what would be sent.
     */
    public String toScript() {
        StringBuilder b = new StringBuilder();
        for (Op op : ops) {
            if (op.object() instanceof ElementWriter w && w.count() == 0) continue; // nothing is sent for it either
            b.append(NftScriptText.command(op)).append('\n');
        }
        return b.toString();
    }

    /** Forgets everything recorded. */
    public void clear() {
        ops.clear();
    }

    // ---------------------------------------------------------------- tables

    /** {@code nft add table}: creates the table, or leaves it as it is. */
    public Transaction addTable(Table t) {
        return record(Verb.ADD, own(t.ref()), t);
    }

    /** {@code nft create table}: fails if the table exists. */
    public Transaction createTable(Table t) {
        return record(Verb.CREATE, own(t.ref()), t);
    }

    /** {@code nft delete table}: the table and everything in it. */
    public Transaction deleteTable(TableRef t) {
        return record(Verb.DELETE, own(t), t);
    }

    /**
     * {@code nft destroy table}: deletes the table and everything in it if it exists, and is no error if it does
     * not, so teardown can be repeated (kernel 6.3 or later; older kernels refuse the message).
     */
    public Transaction destroyTable(TableRef t) {
        return record(Verb.DESTROY, own(t), t);
    }

    /** {@code nft flush table}: every rule of every chain in it (chains and sets stay). */
    public Transaction flushTable(TableRef t) {
        return record(Verb.FLUSH, own(t), t);
    }

    // ---------------------------------------------------------------- chains

    /** {@code nft add chain}: creates the chain, or updates an existing base chain's policy. */
    public Transaction addChain(Chain c) {
        return record(Verb.ADD, own(c.table()), c);
    }

    public Transaction createChain(Chain c) {
        return record(Verb.CREATE, own(c.table()), c);
    }

    /** {@code nft delete chain}: the chain must be empty and unreferenced (flush it and remove jumps first). */
    public Transaction deleteChain(ChainRef c) {
        return record(Verb.DELETE, own(c.table()), c);
    }

    /** {@code nft destroy chain}: as {@link #deleteChain}, but no error if it is absent (kernel 6.3 or later). */
    public Transaction destroyChain(ChainRef c) {
        return record(Verb.DESTROY, own(c.table()), c);
    }

    /** {@code nft flush chain}: all its rules. */
    public Transaction flushChain(ChainRef c) {
        return record(Verb.FLUSH, own(c.table()), c);
    }

    // ---------------------------------------------------------------- sets and maps

    /** {@code nft add set|map}. */
    public Transaction addSet(NamedSet s) {
        return record(Verb.ADD, own(s.table()), s);
    }

    public Transaction createSet(NamedSet s) {
        return record(Verb.CREATE, own(s.table()), s);
    }

    /** {@code nft delete set|map}: no rule may still refer to it. */
    public Transaction deleteSet(SetRef s) {
        return record(Verb.DELETE, own(s.table()), s);
    }

    /** {@code nft destroy set|map}: as {@link #deleteSet}, but no error if it is absent (kernel 6.3 or later). */
    public Transaction destroySet(SetRef s) {
        return record(Verb.DESTROY, own(s.table()), s);
    }

    /** {@code nft flush set|map}: all its elements. */
    public Transaction flushSet(SetRef s) {
        return record(Verb.FLUSH, own(s.table()), s);
    }

    /** {@code nft add element}: returns the writer to append elements with (see {@link ElementWriter}). */
    public ElementWriter addElements(NamedSet s) {
        own(s.table());
        ElementWriter w = new ElementWriter(s, false);
        ops.add(new Op(Verb.ADD_ELEMENTS, w, 0));
        return w;
    }

    /** {@code nft delete element}: the writer takes keys only. Deleting an element that is absent fails. */
    public ElementWriter deleteElements(NamedSet s) {
        own(s.table());
        ElementWriter w = new ElementWriter(s, true);
        ops.add(new Op(Verb.DELETE_ELEMENTS, w, 0));
        return w;
    }

    /**
     * {@code nft destroy element}: keys only; an element that is absent is no error, so releasing a port twice is
     * harmless (kernel 6.3 or later).
     */
    public ElementWriter destroyElements(NamedSet s) {
        own(s.table());
        ElementWriter w = new ElementWriter(s, true);
        ops.add(new Op(Verb.DESTROY_ELEMENTS, w, 0));
        return w;
    }

    // ---------------------------------------------------------------- rules

    /** {@code nft add rule}: appends at the end of the chain. */
    public Transaction add(Rule r) {
        return record(Verb.APPEND, guest(r.chain()), r);
    }

    public Transaction add(RuleBuilder r) {
        return add(r.build());
    }

    /** {@code nft insert rule}: at the start of the chain. */
    public Transaction insert(Rule r) {
        return record(Verb.INSERT, guest(r.chain()), r);
    }

    public Transaction insert(RuleBuilder r) {
        return insert(r.build());
    }

    /** {@code nft insert rule ... position H}: before the rule with handle {@code h}. */
    public Transaction insertBefore(long h, Rule r) {
        return record(Verb.INSERT_BEFORE, guest(r.chain()), r, handle(h));
    }

    /** {@code nft add rule ... position H}: after the rule with handle {@code h}. */
    public Transaction addAfter(long h, Rule r) {
        return record(Verb.ADD_AFTER, guest(r.chain()), r, handle(h));
    }

    /** {@code nft replace rule ... handle H}. */
    public Transaction replace(long h, Rule r) {
        return record(Verb.REPLACE, own(r.chain().table()), r, handle(h));
    }

    /** {@code nft delete rule ... handle H}. */
    public Transaction deleteRule(ChainRef c, long h) {
        return record(Verb.DELETE, guest(c), c, handle(h));
    }

    // ---------------------------------------------------------------- checks

    private Transaction record(Verb v, TableRef owner, Object o) {
        return record(v, owner, o, 0);
    }

    private Transaction record(Verb v, TableRef owner, Object o, long h) {
        Objects.requireNonNull(o);
        Op op = new Op(v, o, h);
        if (owner == null && !allowed(op, owned, guests)) throw notOwned(op, owned, guests);
        ops.add(op);
        return this;
    }

    private static long handle(long h) {
        if (h <= 0) {
            throw new ValidationException("rule handle", Long.toString(h), "not a handle", "a positive handle from a listing");
        }
        return h;
    }

    /** A rule operation's table if it is ours; null (checked when recorded) for a guest chain or anything else. */
    private TableRef guest(ChainRef c) {
        return owned.contains(c.table()) ? c.table() : null;
    }

    /** The engine writes only the tables it was opened for. */
    private TableRef own(TableRef t) {
        Objects.requireNonNull(t, "table");
        if (!owned.contains(t)) {
            throw new ValidationException("table", t.toString(), "is not a table this engine owns; it never writes others",
                    owned.isEmpty() ? "no tables (none were given to Nft.open)"
                            : owned.stream().map(TableRef::toString).sorted().collect(Collectors.joining(", ")));
        }
        return t;
    }
}
