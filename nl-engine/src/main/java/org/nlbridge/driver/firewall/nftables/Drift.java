package org.nlbridge.driver.firewall.nftables;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.nlbridge.nft.Chain;
import org.nlbridge.nft.ChainRef;
import org.nlbridge.nft.Element;
import org.nlbridge.nft.ElementWriter;
import org.nlbridge.nft.Listing;
import org.nlbridge.nft.NamedSet;
import org.nlbridge.nft.Rule;
import org.nlbridge.nft.SetRef;
import org.nlbridge.nft.Table;
import org.nlbridge.nft.TableRef;
import org.nlbridge.nft.Transaction;

/**
 * What our tables should hold, and how the kernel's differ: a transaction folded into the {@link Listing}s it leaves
 * (the rebuild of the desired state applied to nothing is the desired ruleset), compared with the listings the
 * kernel gives back. Rules are compared as the engine built them ({@link Rule#withoutState()}), elements by key and
 * value without their counters, sets and base chains by their declarations.
 */
final class Drift {
    private Drift() {}

    /** What {@code tx} leaves of each table it writes, applied to no tables at all. */
    static Map<TableRef, Listing> expected(Transaction tx) {
        // folded into mutable tables, each operation O(1): folding with apply() copies a table per operation, which
        // made a daemon request at 1,000 endpoints (a chain and elements each) spend most of its time here
        Map<TableRef, Work> tables = new LinkedHashMap<>();
        for (Transaction.Op op : tx.ops()) {
            if (op.object() instanceof Table t) {
                tables.putIfAbsent(op.table(), new Work(t));
                continue;
            }
            Work w = tables.get(op.table());
            if (w == null) continue;
            if (op.object() instanceof TableRef) {
                if (op.verb() == Transaction.Verb.FLUSH) w.chains.values().forEach(List::clear);
                else tables.remove(op.table());
                continue;
            }
            w.apply(op);
        }
        Map<TableRef, Listing> out = new LinkedHashMap<>();
        tables.forEach((ref, w) -> out.put(ref, w.listing()));
        return out;
    }

    /** A table being folded by {@link #expected}: the same outcome as {@link #apply}, operation by operation. */
    private static final class Work {
        private final Table table;
        private final Map<String, NamedSet> sets = new LinkedHashMap<>();
        private final Map<String, Map<List<Object>, Element>> elements = new LinkedHashMap<>();
        private final Map<String, Chain> chainDecls = new LinkedHashMap<>();
        private final Map<String, List<Rule>> chains = new LinkedHashMap<>();

        Work(Table table) {
            this.table = table;
        }

        void apply(Transaction.Op op) {
            switch (op.object()) {
                case Chain c -> {
                    if (chainDecls.putIfAbsent(c.name(), c) == null) chains.put(c.name(), new ArrayList<>());
                }
                case ChainRef c -> {
                    List<Rule> rules = chains.get(c.name());
                    if (rules != null && op.verb() == Transaction.Verb.FLUSH) {
                        rules.clear();
                    } else if (rules != null && op.handle() == 0) {
                        chains.remove(c.name());
                        chainDecls.remove(c.name());
                    }
                }
                case NamedSet s -> {
                    if (sets.putIfAbsent(s.name(), s) == null) elements.put(s.name(), new LinkedHashMap<>());
                }
                case SetRef s -> {
                    Map<List<Object>, Element> e = elements.get(s.name());
                    if (e != null && op.verb() == Transaction.Verb.FLUSH) {
                        e.clear();
                    } else if (e != null) {
                        elements.remove(s.name());
                        sets.remove(s.name());
                    }
                }
                case Rule r -> {
                    List<Rule> rules = chains.get(r.chain().name());
                    if (rules != null && op.verb() == Transaction.Verb.INSERT) rules.addFirst(r);
                    else if (rules != null) rules.add(r);
                }
                case ElementWriter w -> {
                    Map<List<Object>, Element> e = elements.get(w.set().name());
                    if (e != null) {
                        for (Element x : w.elements()) {
                            if (w.deletes()) e.remove(x.key());
                            else e.putIfAbsent(x.key(), x);
                        }
                    }
                }
                default -> throw new IllegalStateException("unknown operation " + op);
            }
        }

        Listing listing() {
            List<Listing.SetListing> s = new ArrayList<>(sets.size());
            sets.forEach((name, set) -> s.add(new Listing.SetListing(set, 0, List.copyOf(elements.get(name).values()))));
            List<Listing.ChainListing> c = new ArrayList<>(chains.size());
            chains.forEach((name, rules) -> c.add(new Listing.ChainListing(chainDecls.get(name), 0, rules)));
            return new Listing(table, 0, s, c);
        }
    }

    /**
     * {@code tables} after {@code op}, as the kernel leaves them when the operation succeeds (adding what exists
     * leaves it; deleting what is missing is no change here; checks are the kernel's, or a test fake's).
     */
    static Map<TableRef, Listing> apply(Map<TableRef, Listing> tables, Transaction.Op op) {
        Map<TableRef, Listing> out = new LinkedHashMap<>(tables);
        TableRef ref = op.table();
        if (op.object() instanceof Table t) {
            out.putIfAbsent(ref, new Listing(t, 0, List.of(), List.of()));
            return out;
        }
        Listing l = out.get(ref);
        if (l == null) return out;
        if (op.object() instanceof TableRef) {
            if (op.verb() == Transaction.Verb.FLUSH) {
                out.put(ref, new Listing(l.table(), 0, l.sets(), l.chains().stream()
                        .map(c -> new Listing.ChainListing(c.chain(), 0, List.of())).toList()));
            } else {
                out.remove(ref);
            }
            return out;
        }
        List<Listing.SetListing> sets = new ArrayList<>(l.sets());
        List<Listing.ChainListing> chains = new ArrayList<>(l.chains());
        switch (op.object()) {
            case Chain c -> {
                if (indexOfChain(chains, c.name()) < 0) chains.add(new Listing.ChainListing(c, 0, List.of()));
            }
            case ChainRef c -> {
                int i = indexOfChain(chains, c.name());
                if (i >= 0) {
                    Listing.ChainListing old = chains.get(i);
                    if (op.verb() == Transaction.Verb.FLUSH) {
                        chains.set(i, new Listing.ChainListing(old.chain(), 0, List.of()));
                    } else if (op.handle() == 0) {
                        chains.remove(i);
                    }
                }
            }
            case NamedSet s -> {
                if (indexOfSet(sets, s.name()) < 0) sets.add(new Listing.SetListing(s, 0, List.of()));
            }
            case SetRef s -> {
                int i = indexOfSet(sets, s.name());
                if (i >= 0 && op.verb() == Transaction.Verb.FLUSH) {
                    sets.set(i, new Listing.SetListing(sets.get(i).set(), 0, List.of()));
                } else if (i >= 0) {
                    sets.remove(i);
                }
            }
            case Rule r -> {
                int i = indexOfChain(chains, r.chain().name());
                if (i >= 0) {
                    Listing.ChainListing old = chains.get(i);
                    List<Rule> rules = new ArrayList<>(old.rules());
                    if (op.verb() == Transaction.Verb.INSERT) rules.addFirst(r);
                    else rules.add(r);
                    chains.set(i, new Listing.ChainListing(old.chain(), 0, rules));
                }
            }
            case ElementWriter w -> {
                int i = indexOfSet(sets, w.set().name());
                if (i >= 0) {
                    Listing.SetListing old = sets.get(i);
                    Map<List<Object>, Element> elements = byKey(old.elements());
                    for (Element e : w.elements()) {
                        if (w.deletes()) elements.remove(e.key());
                        else elements.putIfAbsent(e.key(), e);
                    }
                    sets.set(i, new Listing.SetListing(old.set(), 0, List.copyOf(elements.values())));
                }
            }
            default -> throw new IllegalStateException("unknown operation " + op);
        }
        out.put(ref, new Listing(l.table(), 0, sets, chains));
        return out;
    }

    /**
     * How {@code actual} differs from {@code expected} ({@code actual} null: the table is missing), one line per
     * difference; counters and handles are not compared.
     */
    static List<String> between(Listing expected, Listing actual) {
        List<String> out = new ArrayList<>();
        String t = "table " + expected.ref();
        if (actual == null) {
            out.add(t + " is missing");
            return out;
        }
        // by name: a table has a chain per endpoint, and Listing.chain(name) is a scan
        Map<String, Listing.ChainListing> actualChains = new HashMap<>();
        actual.chains().forEach(c -> actualChains.put(c.chain().name(), c));
        Map<String, Listing.ChainListing> expectedChains = new HashMap<>();
        expected.chains().forEach(c -> expectedChains.put(c.chain().name(), c));
        for (Listing.ChainListing c : expected.chains()) {
            Listing.ChainListing a = actualChains.get(c.chain().name());
            String chain = t + ": chain " + c.chain().name();
            if (a == null) {
                out.add(chain + " is missing");
                continue;
            }
            if (!Objects.equals(a.chain().base(), c.chain().base())) {
                out.add(chain + " is " + declaration(a.chain()) + ", expected " + declaration(c.chain()));
            }
            if (a.rules().size() != c.rules().size()) {
                out.add(chain + " has " + a.rules().size() + " rules, expected " + c.rules().size());
                continue;
            }
            for (int i = 0; i < c.rules().size(); i++) {
                Rule want = c.rules().get(i).withoutState();
                Rule have = a.rules().get(i).withoutState();
                if (!have.equals(want)) {
                    out.add(chain + " rule " + (i + 1) + " is \"" + have + "\", expected \"" + want + "\"");
                }
            }
        }
        for (Listing.ChainListing a : actual.chains()) {
            if (!expectedChains.containsKey(a.chain().name())) out.add(t + ": unexpected chain " + a.chain().name());
        }
        for (Listing.SetListing s : expected.sets()) {
            Listing.SetListing a = actual.set(s.set().name()).orElse(null);
            String set = t + ": set " + s.set().name();
            if (a == null) {
                out.add(set + " is missing");
                continue;
            }
            if (!a.set().equals(s.set())) {
                out.add(set + " is declared " + declaration(a.set()) + ", expected " + declaration(s.set()));
            }
            Map<List<Object>, Element> have = byKey(a.elements());
            for (Element e : s.elements()) {
                Element x = have.get(e.key());
                if (x == null) {
                    out.add(set + " lacks element " + e.withoutState());
                } else if (!x.withoutState().equals(e.withoutState())) {
                    out.add(set + " has " + x.withoutState() + ", expected " + e.withoutState());
                }
            }
            Map<List<Object>, Element> want = byKey(s.elements());
            for (Element x : a.elements()) {
                if (!want.containsKey(x.key())) out.add(set + " has stray element " + x.withoutState());
            }
        }
        for (Listing.SetListing a : actual.sets()) {
            if (expected.set(a.set().name()).isEmpty()) out.add(t + ": unexpected set " + a.set().name());
        }
        return out;
    }

    private static String declaration(Chain c) {
        Chain.Base b = c.base();
        return b == null ? "a regular chain" : "type " + b.type() + " hook " + b.hook() + " priority "
                + b.priority().value() + " policy " + b.policy();
    }

    private static String declaration(NamedSet s) {
        return "type " + s.key() + (s.isMap() ? " : " + s.data() : "") + (s.interval() ? " interval" : "")
                + (s.counter() ? " counter" : "");
    }

    private static Map<List<Object>, Element> byKey(List<Element> elements) {
        Map<List<Object>, Element> m = new LinkedHashMap<>();
        for (Element e : elements) m.put(e.key(), e);
        return m;
    }

    private static int indexOfChain(List<Listing.ChainListing> chains, String name) {
        for (int i = 0; i < chains.size(); i++) {
            if (chains.get(i).chain().name().equals(name)) return i;
        }
        return -1;
    }

    private static int indexOfSet(List<Listing.SetListing> sets, String name) {
        for (int i = 0; i < sets.size(); i++) {
            if (sets.get(i).set().name().equals(name)) return i;
        }
        return -1;
    }
}
