package org.nlbridge.driver.firewall.nftables;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.nlbridge.driver.firewall.FirewallException;
import org.nlbridge.netlink.NetlinkException;
import org.nlbridge.netns.NetNs;
import org.nlbridge.nft.Chain;
import org.nlbridge.nft.ChainRef;
import org.nlbridge.nft.ChainType;
import org.nlbridge.nft.CtState;
import org.nlbridge.nft.CtStatus;
import org.nlbridge.nft.Element;
import org.nlbridge.nft.ElementWriter;
import org.nlbridge.nft.Expr;
import org.nlbridge.nft.Family;
import org.nlbridge.nft.FieldType;
import org.nlbridge.nft.Hook;
import org.nlbridge.nft.KeyType;
import org.nlbridge.nft.Listing;
import org.nlbridge.nft.NamedSet;
import org.nlbridge.nft.Nft;
import org.nlbridge.nft.Policy;
import org.nlbridge.nft.Priority;
import org.nlbridge.nft.Rule;
import org.nlbridge.nft.RuleBuilder;
import org.nlbridge.nft.Selector;
import org.nlbridge.nft.Table;
import org.nlbridge.nft.TableRef;
import org.nlbridge.nft.Transaction;
import org.nlbridge.nft.Verdict;

/**
 * The engine's executor: our transactions as nf_tables netlink transactions through {@link Nft}, no process
 * spawned. Each {@link NftOp} maps to one {@link Transaction} verb and each {@link NftExpr} to the
 * {@link RuleBuilder} words nft would use for the same text, so {@code nft list} prints our rules exactly as the
 * golden files have them.
 *
 * <p>The engine writes only {@code ip/ip6 nlbridge} and {@code ip/ip6 nlbridge-user} (the latter only to create
 * the hook, and for {@link NftFirewallDriver#insertUserRule}). It has no bridge family and no set counters yet, so
 * this executor offers {@link NftFeatures#BASIC}.
 */
public final class NetlinkNftExecutor implements NftExecutor, AutoCloseable {

    private final Nft nft;
    private final boolean ownsNft;

    /** Opens the engine in {@code ns}, owning our tables and the user hook tables. */
    public static NetlinkNftExecutor open(NetNs ns) {
        return new NetlinkNftExecutor(Nft.open(ns, ref(NftFamily.IP, NftLayout.TABLE), ref(NftFamily.IP6, NftLayout.TABLE),
                ref(NftFamily.IP, NftLayout.USER_TABLE), ref(NftFamily.IP6, NftLayout.USER_TABLE)), true);
    }

    /** Over an engine the caller keeps (it must own the tables above). */
    public NetlinkNftExecutor(Nft nft) {
        this(nft, false);
    }

    private NetlinkNftExecutor(Nft nft, boolean ownsNft) {
        this.nft = nft;
        this.ownsNft = ownsNft;
    }

    @Override
    public NftFeatures features() {
        return NftFeatures.BASIC;
    }

    @Override
    public synchronized void apply(NftBatch batch) {
        Transaction tx = nft.transaction();
        for (NftOp op : batch.ops()) {
            record(tx, op);
        }
        try {
            nft.commit(tx);
        } catch (NetlinkException e) {
            throw new FirewallException(batch.what() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Optional<NftTableState> read(NftFamily family, String table) {
        if (family == NftFamily.BRIDGE) return Optional.empty();
        Optional<Listing> listing;
        try {
            listing = nft.list(ref(family, table));
        } catch (NetlinkException e) {
            throw new FirewallException("read table " + family + " " + table + ": " + e.getMessage(), e);
        }
        return listing.map(l -> state(family, table, l));
    }

    @Override
    public void close() {
        if (ownsNft) nft.close();
    }

    // ---------------------------------------------------------------------------------------------- writing

    private static void record(Transaction tx, NftOp op) {
        TableRef t = ref(op.family(), op.table());
        switch (op) {
            case NftOp.AddTable a -> tx.addTable(Table.of(t));
            case NftOp.DeleteTable d -> tx.deleteTable(t);
            case NftOp.AddChain c -> tx.addChain(chain(t, c.chain()));
            case NftOp.FlushChain c -> tx.flushChain(t.chain(c.chain()));
            case NftOp.DeleteChain c -> tx.deleteChain(t.chain(c.chain()));
            case NftOp.AddSet s -> tx.addSet(namedSet(t, s.set()));
            case NftOp.AddRule r -> tx.add(rule(t, r.chain(), r.rule()));
            case NftOp.InsertRule r -> tx.insert(rule(t, r.chain(), r.rule()));
            case NftOp.AddElements e -> {
                ElementWriter w = tx.addElements(namedSet(t, definition(op.family(), op.table(), e.set())));
                for (NftElement el : e.elements()) element(w, el, true);
            }
            case NftOp.DeleteElements e -> {
                ElementWriter w = tx.deleteElements(namedSet(t, definition(op.family(), op.table(), e.set())));
                for (NftElement el : e.elements()) element(w, el, false);
            }
        }
    }

    static TableRef ref(NftFamily f, String table) {
        return TableRef.of(family(f), table);
    }

    private static Family family(NftFamily f) {
        return switch (f) {
            case IP -> Family.IP;
            case IP6 -> Family.IP6;
            case BRIDGE -> throw new UnsupportedOperationException("the nftables engine has no bridge family yet"
                    + " (org.nlbridge.nft.Family); use NftFeatures.BASIC");
        };
    }

    private static Chain chain(TableRef t, NftChain c) {
        ChainRef ref = t.chain(c.name());
        if (!c.isBase()) return Chain.regular(ref);
        NftChain.Hook h = c.hook();
        return Chain.base(ref, ChainType.parse("chain type", h.type()), Hook.parse("chain hook", h.hook()),
                Priority.of(h.priority()), Policy.ACCEPT);
    }

    /** The set definition an element op refers to: ours, or the user table has none. */
    private static NftSet definition(NftFamily f, String table, String set) {
        if (!table.equals(NftLayout.TABLE)) throw new IllegalArgumentException("no sets in table " + table);
        return typesOf(f, set);
    }

    private static NamedSet namedSet(TableRef t, NftSet s) {
        if (s.counter()) {
            throw new UnsupportedOperationException("set " + s.name() + ": the nftables engine has no set counters yet"
                    + " (NFTA_SET_EXPR); use NftFeatures.BASIC");
        }
        KeyType key = keyType(s.key());
        if (s.isVerdictMap()) return NamedSet.verdictMap(t.set(s.name()), key);
        if (s.isMap()) return NamedSet.map(t.set(s.name()), key, keyType(s.data()));
        return NamedSet.set(t.set(s.name()), key);
    }

    private static KeyType keyType(List<NftType> types) {
        List<FieldType> fields = new ArrayList<>();
        for (NftType type : types) {
            fields.add(switch (type) {
                case VERDICT -> FieldType.VERDICT;
                case IPV4_ADDR -> FieldType.IPV4_ADDR;
                case IPV6_ADDR -> FieldType.IPV6_ADDR;
                case INET_PROTO -> FieldType.INET_PROTO;
                case INET_SERVICE -> FieldType.INET_SERVICE;
                case IFNAME -> FieldType.IFNAME;
            });
        }
        return new KeyType(fields);
    }

    private static void element(ElementWriter w, NftElement el, boolean withData) {
        for (NftValue v : el.key()) w.key(value(v));
        if (withData) {
            for (NftValue v : el.data()) {
                if (v instanceof NftValue.Jump j) w.verdict(Verdict.jump(j.chain()));
                else w.value(value(v));
            }
        }
        w.add();
    }

    private static Object value(NftValue v) {
        return switch (v) {
            case NftValue.Proto p -> p.protocol();
            case NftValue.Addr a -> a.address();
            case NftValue.Port p -> p.port();
            case NftValue.Name n -> n.name();
            case NftValue.Jump j -> Verdict.jump(j.chain());
        };
    }

    private static Rule rule(TableRef t, String chain, NftRule rule) {
        RuleBuilder b = Rule.in(t.chain(chain));
        for (NftExpr e : rule.exprs()) {
            switch (e) {
                case NftExpr.IfNameIs m -> {
                    boolean in = m.field() == NftField.IIFNAME;
                    if (in) {
                        if (m.negate()) b.iifnameNot(m.name()); else b.iifname(m.name());
                    } else {
                        if (m.negate()) b.oifnameNot(m.name()); else b.oifname(m.name());
                    }
                }
                case NftExpr.InPrefix p -> {
                    boolean source = p.field() == NftField.IP_SADDR || p.field() == NftField.IP6_SADDR;
                    if (source) {
                        if (p.negate()) b.saddrNot(p.prefix()); else b.saddr(p.prefix());
                    } else {
                        if (p.negate()) b.daddrNot(p.prefix()); else b.daddr(p.prefix());
                    }
                }
                case NftExpr.FibDaddrLocal f -> b.fibDaddrTypeLocal();
                case NftExpr.CtEstablishedRelated c -> b.ctState(CtState.ESTABLISHED, CtState.RELATED);
                case NftExpr.CtStatusDnat c -> b.ctStatus(CtStatus.DNAT);
                case NftExpr.InSet s -> b.inSet(namedSet(t, typesOf(nftFamily(t), s.set())), selectors(s.key()));
                case NftExpr.Counter c -> b.counter();
                case NftExpr.VerdictMap m -> b.vmap(namedSet(t, typesOf(nftFamily(t), m.map())), selectors(List.of(m.key())));
                case NftExpr.DnatMap m -> b.dnatMap(namedSet(t, typesOf(nftFamily(t), m.map())), selectors(m.key()));
                case NftExpr.Masquerade m -> b.masquerade();
                case NftExpr.Accept a -> b.accept();
                case NftExpr.Drop d -> b.drop();
            }
        }
        return b.build();
    }

    /** A set's name and types, which is all a rule or an element op needs of it (not its counter flag). */
    private static NftSet typesOf(NftFamily f, String name) {
        NftSet s = NftLayout.set(f, name);
        return new NftSet(s.name(), s.key(), s.data(), false);
    }

    private static NftFamily nftFamily(TableRef t) {
        return t.family() == Family.IP ? NftFamily.IP : NftFamily.IP6;
    }

    private static Selector[] selectors(List<NftField> fields) {
        Selector[] out = new Selector[fields.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (fields.get(i)) {
                case IIFNAME -> Selector.IIFNAME;
                case OIFNAME -> Selector.OIFNAME;
                case L4PROTO -> Selector.L4PROTO;
                case IP_SADDR -> Selector.IP_SADDR;
                case IP_DADDR -> Selector.IP_DADDR;
                case IP6_SADDR -> Selector.IP6_SADDR;
                case IP6_DADDR -> Selector.IP6_DADDR;
                case TH_DPORT -> Selector.TH_DPORT;
            };
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------- reading

    private static NftTableState state(NftFamily family, String table, Listing l) {
        Map<String, NftTableState.Chain> chains = new LinkedHashMap<>();
        for (Listing.ChainListing c : l.chains()) {
            List<Long> packets = new ArrayList<>();
            for (Rule r : c.rules()) {
                packets.add(r.counter().map(Expr.Counter::packets).orElse(-1L));
            }
            chains.put(c.chain().name(), new NftTableState.Chain(c.chain().name(), c.chain().isBase(), packets));
        }
        Map<String, NftTableState.Set> sets = new LinkedHashMap<>();
        for (Listing.SetListing s : l.sets()) {
            Map<String, NftTableState.Element> elements = new LinkedHashMap<>();
            for (Element e : s.elements()) {
                // Element prints as nft does: "KEY" or "KEY : DATA" (our elements carry no comments)
                String text = e.toString();
                int colon = text.indexOf(" : ");
                String key = colon < 0 ? text : text.substring(0, colon);
                String data = colon < 0 ? "" : text.substring(colon + 3);
                elements.put(key, new NftTableState.Element(key, data, -1));
            }
            sets.put(s.set().name(), new NftTableState.Set(s.set().name(), elements));
        }
        return new NftTableState(family, table, chains, sets);
    }
}
