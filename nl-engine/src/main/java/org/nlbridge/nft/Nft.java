package org.nlbridge.nft;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netlink.AttrCursor;
import org.nlbridge.netlink.BatchResult;
import org.nlbridge.netlink.Dump;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.MsgWriter;
import org.nlbridge.netlink.NetlinkException;
import org.nlbridge.netlink.NfTransaction;
import org.nlbridge.netlink.NlSocket;
import org.nlbridge.netlink.WireFormatException;
import org.nlbridge.netns.NetNs;

/**
 * The nftables engine of one network namespace: a {@code NETLINK_NETFILTER} socket, the tables the engine owns,
 * and the reusable transaction buffer. Equivalent to running {@code nft} in that namespace, without exec.
 *
 * <pre>{@code
 * TableRef t = TableRef.of(Family.IP, "nlbridge");
 * try (Nft nft = Nft.open(netns, t)) {
 *     nft.apply(tx -> {
 *         tx.addTable(Table.of(t));
 *         tx.addSet(hostports);
 *         tx.addChain(prerouting);
 *         tx.add(Rule.in(prerouting.ref()).fibDaddrTypeLocal().counter().jump("nat-prerouting-and-output"));
 *     });
 *     System.out.println(nft.list(t).orElseThrow());
 * }
 * }</pre>
 *
 * <p>Ownership: every write is refused before it is sent unless it lies in one of the tables given at open; the
 * engine never flushes the ruleset or touches another table. Reading is not restricted.
 *
 * <p>Generations: each commit reads the ruleset generation ({@code NFT_MSG_GETGEN}) and stamps the transaction with
 * it ({@code NFNL_BATCH_GENID}); if another process committed in between, the kernel refuses the whole transaction
 * with {@code ERESTART} and it is rebuilt (with {@link #apply}) or re-sent (with {@link #commit}), at most
 * {@link #MAX_ATTEMPTS} times. A {@link Transaction} is not cleared by {@link #commit}.
 *
 * <p>Not thread-safe: one owner at a time, like the socket.
 */
public final class Nft implements AutoCloseable {
    /** Attempts at a transaction whose ruleset generation went stale ({@code ERESTART}) before giving up. */
    public static final int MAX_ATTEMPTS = 5;

    private final NlSocket socket;
    private final boolean ownsSocket;
    private final Set<TableRef> owned;
    private final Set<ChainRef> guests;
    private static final int NFT_BASE = Uapi.NFNL_SUBSYS_NFTABLES() << 8;
    private static final int ERESTART = LibC.ERESTART();
    /**
     * GETGEN requests use their own sequence numbers, far above those the netlink layer hands out, so a late reply
     * can never be taken for another request's.
     */
    private static final AtomicInteger SEQ = new AtomicInteger(0x60000000);

    private final Arena arena = Arena.ofShared();
    private final NfTransaction nfTx;
    private final Dump dump;
    private final MsgWriter req;
    private final MemorySegment rx;
    private final MsgCursor msg = new MsgCursor();
    private final AttrCursor attrs = new AttrCursor();
    private int lastAttempts;

    private Nft(NlSocket socket, boolean ownsSocket, Collection<TableRef> owned, Collection<ChainRef> guests) {
        this.socket = socket;
        this.ownsSocket = ownsSocket;
        this.owned = Set.copyOf(owned);
        this.guests = Set.copyOf(guests);
        this.nfTx = new NfTransaction(socket);
        this.dump = new Dump(socket);
        this.req = new MsgWriter(arena.allocate(256, 8));
        this.rx = arena.allocate(Dump.MIN_RECEIVE_BUFFER, 8);
    }

    /** Opens the engine in {@code ns}, owning {@code tables}. */
    public static Nft open(NetNs ns, TableRef... tables) {
        return open(ns, List.of(tables), List.of());
    }

    /**
     * Opens the engine in {@code ns}, owning {@code tables}, and allowed to add and delete single rules of its own in
     * {@code guestChains} of other tables (see {@link Transaction#Transaction(Collection, Collection)}).
     */
    public static Nft open(NetNs ns, Collection<TableRef> tables, Collection<ChainRef> guestChains) {
        return new Nft(ns.openSocket(Uapi.NETLINK_NETFILTER()), true, tables, guestChains);
    }

    /** The engine over an open {@code NETLINK_NETFILTER} socket, which stays the caller's to close. */
    public static Nft over(NlSocket socket, Collection<TableRef> tables) {
        return new Nft(socket, false, tables, List.of());
    }

    /** The tables this engine may write. */
    public Set<TableRef> owned() {
        return owned;
    }

    /** A new, empty transaction; record operations on it, then {@link #commit} it. */
    public Transaction transaction() {
        return new Transaction(owned, guests);
    }

    /**
     * Sends {@code tx} as one nftables transaction stamped with the current ruleset generation. A stale generation
     * ({@code ERESTART}: someone changed the ruleset between our read and our commit) is re-read and the
     * transaction re-sent, at most {@link #MAX_ATTEMPTS} times in all. Any refusal aborts all of it.
     *
     * @throws org.nlbridge.netlink.NetlinkException naming the operation that failed (its object, errno and the
     *         kernel's extended-ack text); nothing of the transaction was applied
     */
    public void commit(Transaction tx) {
        apply(tx, null);
    }

    /**
     * Builds and commits a transaction; on a stale generation, {@code build} is run again on an empty
     * transaction (so what it read can be re-read) and re-sent, at most {@link #MAX_ATTEMPTS} times.
     */
    public void apply(Consumer<Transaction> build) {
        apply(transaction(), build);
    }

    private void apply(Transaction tx, Consumer<Transaction> build) {
        NetlinkException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            lastAttempts = attempt;
            int gen = generation();
            if (build != null) {
                tx.clear();
                build.accept(tx);
            }
            if (tx.isEmpty()) return;
            ownsAll(tx);
            BatchResult r;
            try {
                nfTx.generation(gen);
                Encoder.encode(nfTx, tx);
                r = nfTx.commit();
            } catch (RuntimeException e) {
                nfTx.discard();
                throw e;
            }
            if (r.ok()) return;
            NetlinkException first = r.failures().get(0);
            if (first.errno() != ERESTART) {
                r.throwIfFailed();
            }
            last = first;
        }
        throw new NetlinkException(ERESTART, "nftables transaction", tx.size() + " operations", last.extack(),
                "the ruleset generation changed before each of " + MAX_ATTEMPTS + " attempts; nothing was applied");
    }

    /**
     * A transaction may come from elsewhere ({@link Transaction#Transaction}): every table it writes must be ours,
     * or a guest chain it only adds rules to or deletes rules from.
     */
    private void ownsAll(Transaction tx) {
        for (Transaction.Op op : tx.ops()) {
            if (!Transaction.allowed(op, owned, guests)) throw Transaction.notOwned(op, owned, guests);
        }
    }

    /** Attempts the last commit took (1 unless the generation went stale). */
    public int lastAttempts() {
        return lastAttempts;
    }

    /** The ruleset generation id ({@code NFT_MSG_GETGEN}): it changes with every committed transaction. */
    public int generation() {
        int seq = nextSeq();
        req.reset();
        req.begin(NFT_BASE | Uapi.NFT_MSG_GETGEN(), Uapi.NLM_F_REQUEST() | Uapi.NLM_F_ACK(), seq);
        nfgen(req, LibC.AF_UNSPEC());
        req.end();
        long sent = socket.send(req.segment(), req.position());
        if (sent < 0) throw NetlinkException.of((int) -sent, "NFT_MSG_GETGEN", "ruleset generation", null, "sendmsg failed");
        Integer gen = null;
        while (true) {
            long n = socket.receive(rx);
            if (n == -LibC.EINTR()) continue;
            if (n < 0) {
                throw NetlinkException.of((int) -n, "NFT_MSG_GETGEN", "ruleset generation", null, "no reply");
            }
            msg.reset(rx, n);
            while (msg.next()) {
                if (msg.seq() != seq) continue;
                if (msg.type() == Uapi.NLMSG_ERROR()) {
                    int err = msg.u32At(0);
                    if (err != 0) throw NetlinkException.of(-err, "NFT_MSG_GETGEN", "ruleset generation", null, null);
                    if (gen == null) throw new WireFormatException("NFT_MSG_GETGEN acknowledged without a NEWGEN reply");
                    return gen;
                }
                if (msg.type() == (NFT_BASE | Uapi.NFT_MSG_NEWGEN())) {
                    AttrCursor a = msg.attributes(attrs, 4);
                    while (a.next()) {
                        if (a.type() == Uapi.NFTA_GEN_ID()) gen = a.be32();
                    }
                }
            }
        }
    }

    /** Every table in the namespace (any owner), for diagnostics. */
    public List<TableRef> tables() {
        List<TableRef> out = new ArrayList<>();
        dump.run(NFT_BASE | Uapi.NFT_MSG_GETTABLE(), "tables", w -> nfgen(w, LibC.AF_UNSPEC()), m -> {
            Decoder.TableRow t = Decoder.table(m);
            if (t != null) out.add(t.table().ref());
        });
        return out;
    }

    /** Whether the table exists. */
    public boolean exists(TableRef table) {
        return findTable(table) != null;
    }

    private Decoder.TableRow findTable(TableRef table) {
        Decoder.TableRow[] found = new Decoder.TableRow[1];
        dump.run(NFT_BASE | Uapi.NFT_MSG_GETTABLE(), "tables of family " + table.family(),
                w -> nfgen(w, table.family().nfproto()), m -> {
                    Decoder.TableRow t = Decoder.table(m);
                    if (t != null && t.table().ref().equals(table)) found[0] = t;
                });
        return found[0];
    }

    /** The table with its sets (and elements), chains and rules, or empty if it does not exist. */
    public Optional<Listing> list(TableRef table) {
        Decoder.TableRow t = findTable(table);
        if (t == null) return Optional.empty();
        List<Decoder.SetRow> sets = setsOf(table);
        List<Decoder.ChainRow> chains = new ArrayList<>();
        dump.run(NFT_BASE | Uapi.NFT_MSG_GETCHAIN(), "chains of table " + table, w -> {
            nfgen(w, table.family().nfproto());
            w.putString(Uapi.NFTA_CHAIN_TABLE(), table.name());
        }, m -> {
            Decoder.ChainRow c = Decoder.chain(m, table);
            if (c != null) chains.add(c);
        });
        List<Rule> rules = withAnonymousSets(rulesOf(table, null), sets);
        List<Listing.SetListing> setListings = new ArrayList<>();
        for (Decoder.SetRow s : sets) {
            if (!s.anonymous()) setListings.add(new Listing.SetListing(s.set(), s.handle(), elements(s.set())));
        }
        // one pass over the rules, not one per chain: a table with a chain per container has O(containers) of both
        Map<ChainRef, List<Rule>> byChain = new HashMap<>();
        for (Rule r : rules) byChain.computeIfAbsent(r.chain(), k -> new ArrayList<>()).add(r);
        List<Listing.ChainListing> chainListings = new ArrayList<>();
        for (Decoder.ChainRow c : chains) {
            chainListings.add(new Listing.ChainListing(c.chain(), c.handle(),
                    List.copyOf(byChain.getOrDefault(c.chain().ref(), List.of()))));
        }
        return Optional.of(new Listing(t.table(), t.handle(), setListings, chainListings));
    }

    /** The rules of a chain, in order, with handles and counters (and the elements of their anonymous sets). */
    public List<Rule> rules(ChainRef chain) {
        List<Rule> rules = rulesOf(chain.table(), chain.name());
        return anonymousLookups(rules) ? withAnonymousSets(rules, setsOf(chain.table())) : rules;
    }

    List<Decoder.SetRow> setsOf(TableRef table) {
        List<Decoder.SetRow> sets = new ArrayList<>();
        dump.run(NFT_BASE | Uapi.NFT_MSG_GETSET(), "sets of table " + table, w -> {
            nfgen(w, table.family().nfproto());
            w.putString(Uapi.NFTA_SET_TABLE(), table.name());
        }, m -> {
            Decoder.SetRow s = Decoder.set(m, table);
            if (s != null) sets.add(s);
        });
        return sets;
    }

    private static boolean anonymousLookups(List<Rule> rules) {
        for (Rule r : rules) {
            for (Expr e : r.exprs()) {
                if (e instanceof Expr.Lookup l && l.set().startsWith("__")) return true;
            }
        }
        return false;
    }

    /**
     * {@code rules} with the elements of the anonymous sets their lookups name put into the lookups, so they print
     * as nft prints them ({@code ip saddr != { 8.8.8.8, 10.0.0.0/8 }}) and equal the rules they were built from. An
     * anonymous set the engine cannot represent (a concatenation) stays a lookup by name.
     */
    private List<Rule> withAnonymousSets(List<Rule> rules, List<Decoder.SetRow> sets) {
        if (!anonymousLookups(rules)) return rules;
        Map<String, AnonymousSet> anonymous = new HashMap<>();
        for (Decoder.SetRow s : sets) {
            if (!s.anonymous() || s.set().isMap() || s.set().key().isConcat()) continue;
            List<Object> values = new ArrayList<>();
            for (Element e : elements(s.set())) values.add(e.key().getFirst());
            try {
                anonymous.put(s.set().name(), new AnonymousSet(s.set().key().field(0), values));
            } catch (ValidationException notOurs) {
                // e.g. overlapping intervals someone else wrote: leave the lookup by name
            }
        }
        List<Rule> out = new ArrayList<>(rules.size());
        for (Rule r : rules) {
            List<Expr> exprs = new ArrayList<>(r.exprs().size());
            for (Expr e : r.exprs()) {
                if (e instanceof Expr.Lookup l && anonymous.get(l.set()) instanceof AnonymousSet a) {
                    exprs.add(new Expr.Lookup(l.set(), l.sreg(), l.dreg(), l.inverted(), a));
                } else {
                    exprs.add(e);
                }
            }
            out.add(new Rule(r.chain(), exprs, r.comment(), r.handle()));
        }
        return out;
    }

    private List<Rule> rulesOf(TableRef table, String chain) {
        List<Rule> out = new ArrayList<>();
        dump.run(NFT_BASE | Uapi.NFT_MSG_GETRULE(), chain == null ? "rules of table " + table : "rules of chain "
                + table + " " + chain, w -> {
            nfgen(w, table.family().nfproto());
            w.putString(Uapi.NFTA_RULE_TABLE(), table.name());
            if (chain != null) w.putString(Uapi.NFTA_RULE_CHAIN(), chain);
        }, m -> {
            Rule r = Decoder.rule(m, table);
            if (r != null && (chain == null || r.chain().name().equals(chain))) out.add(r);
        });
        return out;
    }

    /** The elements of a set or map (an interval set's as ranges and prefixes, in order). */
    public List<Element> elements(NamedSet set) {
        List<Decoder.RawElement> raw = new ArrayList<>();
        TableRef table = set.table();
        dump.run(NFT_BASE | Uapi.NFT_MSG_GETSETELEM(), "elements of " + (set.isMap() ? "map " : "set ") + set.ref(), w -> {
            nfgen(w, table.family().nfproto());
            w.putString(Uapi.NFTA_SET_ELEM_LIST_TABLE(), table.name());
            w.putString(Uapi.NFTA_SET_ELEM_LIST_SET(), set.name());
        }, m -> Decoder.elements(m, raw));
        return Decoder.elements(set, raw);
    }

    private static void nfgen(MsgWriter w, int family) {
        long h = w.reserve(4);
        w.setU8(h, family);
        w.setU8(h + 1, Uapi.NFNETLINK_V0());
    }

    private static int nextSeq() {
        int s;
        do {
            s = SEQ.incrementAndGet();
        } while (s == 0);
        return s;
    }

    @Override
    public void close() {
        try {
            nfTx.close();
            dump.close();
            arena.close();
        } finally {
            if (ownsSocket) socket.close();
        }
    }
}
