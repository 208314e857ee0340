package org.nlbridge.driver.firewall.nftables;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.nlbridge.nft.ChainRef;
import org.nlbridge.nft.Element;
import org.nlbridge.nft.ElementWriter;
import org.nlbridge.nft.Expr;
import org.nlbridge.nft.Listing;
import org.nlbridge.nft.Rule;
import org.nlbridge.nft.TableRef;
import org.nlbridge.nft.Transaction;
import org.nlbridge.nft.Verdict;

/**
 * An in-memory nf_tables that is as strict as the kernel about what our transactions can get wrong: a missing
 * table, chain or set, a duplicate element ({@code NLM_F_EXCL}), a missing element on delete, deleting a chain that
 * has rules or that a verdict map still jumps to. Transactions are atomic: a failing one leaves nothing behind.
 * Listed rules with a counter report 3 packets, listed elements of a set with a counter 7.
 */
final class FakeNft implements NftFirewallDriver.Nftables {

    final List<Transaction> applied = new ArrayList<>();
    private Map<TableRef, Listing> tables = new LinkedHashMap<>();
    /** When set, the next commit fails with this message before looking at the transaction. */
    String failNext;

    @Override
    public void commit(Transaction tx) {
        if (failNext != null) {
            String m = failNext;
            failNext = null;
            throw new IllegalStateException(m);
        }
        Map<TableRef, Listing> work = tables;
        for (Transaction.Op op : tx.ops()) {
            try {
                check(work, op);
            } catch (IllegalStateException e) {
                throw new IllegalStateException(op + ": " + e.getMessage(), e);
            }
            work = Drift.apply(work, op);
        }
        tables = work;
        applied.add(tx);
    }

    private static void check(Map<TableRef, Listing> tables, Transaction.Op op) {
        if (op.object() instanceof org.nlbridge.nft.Table) return;
        Listing t = tables.get(op.table());
        if (t == null) throw new IllegalStateException("ENOENT: no table " + op.table());
        switch (op.object()) {
            case ChainRef c -> {
                Listing.ChainListing chain = chain(t, c.name());
                if (op.verb() != Transaction.Verb.DELETE) return;
                if (!chain.rules().isEmpty()) throw new IllegalStateException("EBUSY: chain has rules");
                for (Listing.SetListing s : t.sets()) {
                    for (Element e : s.elements()) {
                        if (Verdict.jump(c.name()).equals(e.verdict())) throw new IllegalStateException("EBUSY: chain in use");
                    }
                }
            }
            case Rule r -> {
                chain(t, r.chain().name());
                for (Expr e : r.exprs()) {
                    if (e instanceof Expr.Lookup l && l.anonymous() == null) set(t, l.set());
                }
            }
            case ElementWriter w -> {
                Map<List<Object>, Element> present = new LinkedHashMap<>();
                for (Element e : set(t, w.set().name()).elements()) present.put(e.key(), e);
                for (Element e : w.elements()) {
                    if (w.deletes()) {
                        if (!present.containsKey(e.key())) throw new IllegalStateException("ENOENT: element " + e);
                        continue;
                    }
                    if (e.verdict() != null && e.verdict().chain() != null) chain(t, e.verdict().chain());
                    if (present.put(e.key(), e) != null) throw new IllegalStateException("EEXIST: " + e);
                }
            }
            default -> { }
        }
    }

    private static Listing.ChainListing chain(Listing t, String name) {
        return t.chain(name).orElseThrow(() -> new IllegalStateException("ENOENT: no chain " + name));
    }

    private static Listing.SetListing set(Listing t, String name) {
        return t.set(name).orElseThrow(() -> new IllegalStateException("ENOENT: no set " + name));
    }

    @Override
    public Optional<Listing> list(TableRef table) {
        Listing t = tables.get(table);
        if (t == null) return Optional.empty();
        List<Listing.ChainListing> chains = new ArrayList<>();
        for (Listing.ChainListing c : t.chains()) {
            List<Rule> rules = new ArrayList<>();
            for (Rule r : c.rules()) {
                List<Expr> exprs = r.exprs().stream().map(e -> e instanceof Expr.Counter ? new Expr.Counter(3, 300) : e)
                        .toList();
                rules.add(new Rule(r.chain(), exprs, r.comment(), rules.size() + 1));
            }
            chains.add(new Listing.ChainListing(c.chain(), 1, rules));
        }
        List<Listing.SetListing> sets = new ArrayList<>();
        for (Listing.SetListing s : t.sets()) {
            List<Element> elements = s.elements().stream().map(e -> !s.set().counter() ? e : new Element(e.keyType(),
                    e.key(), e.valueType(), e.value(), e.verdict(), e.comment(), new Expr.Counter(7, 700))).toList();
            sets.add(new Listing.SetListing(s.set(), 1, elements));
        }
        return Optional.of(new Listing(t.table(), 1, sets, chains));
    }

    /** External interference: what {@code nft flush ruleset} does. */
    void flushRuleset() {
        tables = new LinkedHashMap<>();
    }

    /** External interference: remove one element. */
    void deleteElement(TableRef table, String set, List<Object> key) {
        Listing t = tables.get(table);
        List<Listing.SetListing> sets = new ArrayList<>();
        for (Listing.SetListing s : t.sets()) {
            sets.add(!s.set().name().equals(set) ? s : new Listing.SetListing(s.set(), 0,
                    s.elements().stream().filter(e -> !e.key().equals(key)).toList()));
        }
        tables.put(table, new Listing(t.table(), 0, sets, t.chains()));
    }

    List<Rule> rules(TableRef table, String chain) {
        return tables.get(table).chain(chain).orElseThrow().rules();
    }

    boolean hasTable(TableRef table) {
        return tables.containsKey(table);
    }
}
