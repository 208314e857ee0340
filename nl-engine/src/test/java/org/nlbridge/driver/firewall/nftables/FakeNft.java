package org.nlbridge.driver.firewall.nftables;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.nlbridge.driver.firewall.FirewallException;

/**
 * An in-memory nf_tables that is as strict as the kernel about what our ops can get wrong: a missing table,
 * chain or set, a duplicate element (NLM_F_EXCL), a missing element on delete, deleting a chain a verdict map
 * still jumps to. Transactions are atomic: a failing batch leaves nothing behind.
 */
final class FakeNft implements NftExecutor {

    final List<NftBatch> applied = new ArrayList<>();
    private Map<String, Table> tables = new LinkedHashMap<>();
    /** When set, the next apply fails with this message before looking at the batch. */
    String failNext;
    NftFeatures features = NftFeatures.FULL;

    @Override
    public NftFeatures features() {
        return features;
    }

    static final class Table {
        final NftFamily family;
        final String name;
        final Map<String, List<NftRule>> chains = new LinkedHashMap<>();
        final Map<String, NftChain> chainDefs = new LinkedHashMap<>();
        final Map<String, Map<String, NftElement>> sets = new LinkedHashMap<>();

        Table(NftFamily family, String name) {
            this.family = family;
            this.name = name;
        }

        Table copy() {
            Table t = new Table(family, name);
            chains.forEach((k, v) -> t.chains.put(k, new ArrayList<>(v)));
            t.chainDefs.putAll(chainDefs);
            sets.forEach((k, v) -> t.sets.put(k, new LinkedHashMap<>(v)));
            return t;
        }
    }

    @Override
    public void apply(NftBatch batch) {
        if (failNext != null) {
            String m = failNext;
            failNext = null;
            throw new FirewallException(batch.what() + ": " + m);
        }
        Map<String, Table> work = new LinkedHashMap<>();
        tables.forEach((k, v) -> work.put(k, v.copy()));
        for (NftOp op : batch.ops()) {
            try {
                apply(work, op);
            } catch (IllegalStateException e) {
                throw new FirewallException(batch.what() + ": " + NftText.line(op) + ": " + e.getMessage());
            }
        }
        tables = work;
        applied.add(batch);
    }

    private static void apply(Map<String, Table> tables, NftOp op) {
        String id = op.family() + " " + op.table();
        if (op instanceof NftOp.AddTable t) {
            tables.putIfAbsent(id, new Table(t.family(), t.table()));
            return;
        }
        Table t = tables.get(id);
        if (t == null) throw new IllegalStateException("ENOENT: no table " + id);
        switch (op) {
            case NftOp.DeleteTable d -> tables.remove(id);
            case NftOp.AddChain c -> {
                t.chains.putIfAbsent(c.chain().name(), new ArrayList<>());
                t.chainDefs.putIfAbsent(c.chain().name(), c.chain());
            }
            case NftOp.FlushChain c -> chain(t, c.chain()).clear();
            case NftOp.DeleteChain c -> {
                if (!chain(t, c.chain()).isEmpty()) throw new IllegalStateException("EBUSY: chain has rules");
                for (Map<String, NftElement> s : t.sets.values()) {
                    for (NftElement e : s.values()) {
                        if (e.dataText().equals("jump " + c.chain())) throw new IllegalStateException("EBUSY: chain in use");
                    }
                }
                t.chains.remove(c.chain());
                t.chainDefs.remove(c.chain());
            }
            case NftOp.AddSet s -> t.sets.putIfAbsent(s.set().name(), new LinkedHashMap<>());
            case NftOp.AddRule r -> {
                checkRefs(t, r.rule());
                chain(t, r.chain()).add(r.rule());
            }
            case NftOp.InsertRule r -> {
                checkRefs(t, r.rule());
                chain(t, r.chain()).addFirst(r.rule());
            }
            case NftOp.AddElements e -> {
                Map<String, NftElement> s = set(t, e.set());
                for (NftElement el : e.elements()) {
                    for (NftValue v : el.data()) {
                        if (v instanceof NftValue.Jump j) chain(t, j.chain());
                    }
                    if (s.putIfAbsent(el.keyText(), el) != null) throw new IllegalStateException("EEXIST: " + el.keyText());
                }
            }
            case NftOp.DeleteElements e -> {
                Map<String, NftElement> s = set(t, e.set());
                for (NftElement el : e.elements()) {
                    if (s.remove(el.keyText()) == null) throw new IllegalStateException("ENOENT: element " + el.keyText());
                }
            }
            default -> throw new IllegalStateException("unexpected " + op);
        }
    }

    private static void checkRefs(Table t, NftRule r) {
        for (NftExpr e : r.exprs()) {
            switch (e) {
                case NftExpr.InSet s -> set(t, s.set());
                case NftExpr.VerdictMap m -> set(t, m.map());
                case NftExpr.DnatMap m -> set(t, m.map());
                default -> { }
            }
        }
    }

    private static List<NftRule> chain(Table t, String name) {
        List<NftRule> c = t.chains.get(name);
        if (c == null) throw new IllegalStateException("ENOENT: no chain " + name);
        return c;
    }

    private static Map<String, NftElement> set(Table t, String name) {
        Map<String, NftElement> s = t.sets.get(name);
        if (s == null) throw new IllegalStateException("ENOENT: no set " + name);
        return s;
    }

    @Override
    public Optional<NftTableState> read(NftFamily family, String table) {
        Table t = tables.get(family + " " + table);
        if (t == null) return Optional.empty();
        Map<String, NftTableState.Chain> chains = new LinkedHashMap<>();
        t.chains.forEach((k, v) -> chains.put(k, new NftTableState.Chain(k, t.chainDefs.get(k).isBase(),
                v.stream().map(r -> r.counts() ? 3L : -1L).toList())));
        Map<String, NftTableState.Set> sets = new LinkedHashMap<>();
        t.sets.forEach((k, v) -> {
            Map<String, NftTableState.Element> els = new LinkedHashMap<>();
            v.forEach((key, el) -> els.put(key, new NftTableState.Element(key, el.dataText(), 7)));
            sets.put(k, new NftTableState.Set(k, els));
        });
        return Optional.of(new NftTableState(family, table, chains, sets));
    }

    /** External interference: what {@code nft flush ruleset} does. */
    void flushRuleset() {
        tables = new LinkedHashMap<>();
    }

    /** External interference: remove one element. */
    void deleteElement(NftFamily f, String table, String set, String key) {
        tables.get(f + " " + table).sets.get(set).remove(key);
    }

    List<NftRule> rules(NftFamily f, String table, String chain) {
        return tables.get(f + " " + table).chains.get(chain);
    }

    boolean hasTable(NftFamily f, String table) {
        return tables.containsKey(f + " " + table);
    }
}
