package org.nlbridge.driver.firewall.nftables;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A table as read back from the kernel (or as a list of ops would leave it), reduced to what drift detection and
 * status need: which chains and sets exist, how many rules each chain has, which elements each set holds.
 * Element keys and data are compared as nft text ({@link NftElement#keyText()}).
 */
public record NftTableState(NftFamily family, String name, Map<String, Chain> chains, Map<String, Set> sets) {

    public NftTableState {
        chains = Map.copyOf(chains);
        sets = Map.copyOf(sets);
    }

    /** @param rulePackets per rule in order: its counter's packets, or -1 for a rule without a counter */
    public record Chain(String name, boolean base, List<Long> rulePackets) {
        public Chain {
            rulePackets = List.copyOf(rulePackets);
        }

        public int rules() {
            return rulePackets.size();
        }

        /** The sum of the chain's counters. */
        public long packets() {
            return rulePackets.stream().mapToLong(Long::longValue).filter(p -> p > 0).sum();
        }
    }

    /** @param elements by key text */
    public record Set(String name, Map<String, Element> elements) {
        public Set {
            elements = Map.copyOf(elements);
        }
    }

    /** @param data the data text ("" for a plain set); @param packets the element's counter, -1 without one */
    public record Element(String key, String data, long packets) {}

    /** What {@code ops} (applied in order to nothing) leave of each table, by {@code "family table"}. */
    public static Map<String, NftTableState> fold(List<NftOp> ops) {
        Map<String, Builder> tables = new LinkedHashMap<>();
        for (NftOp op : ops) {
            String id = op.family() + " " + op.table();
            switch (op) {
                case NftOp.AddTable t -> tables.computeIfAbsent(id, k -> new Builder(t.family(), t.table()));
                case NftOp.DeleteTable t -> tables.remove(id);
                default -> {
                    Builder b = Objects.requireNonNull(tables.get(id), () -> "no table " + id + " for " + op);
                    b.apply(op);
                }
            }
        }
        Map<String, NftTableState> out = new LinkedHashMap<>();
        tables.forEach((k, b) -> out.put(k, b.build()));
        return out;
    }

    /**
     * How {@code actual} differs from {@code expected} (null: the table is missing), one line per difference;
     * counters are not compared.
     */
    public static List<String> diff(NftTableState expected, NftTableState actual) {
        List<String> out = new ArrayList<>();
        String t = "table " + expected.family() + " " + expected.name();
        if (actual == null) {
            out.add(t + " is missing");
            return out;
        }
        for (Chain c : expected.chains().values()) {
            Chain a = actual.chains().get(c.name());
            if (a == null) {
                out.add(t + ": chain " + c.name() + " is missing");
            } else if (a.rules() != c.rules()) {
                out.add(t + ": chain " + c.name() + " has " + a.rules() + " rules, expected " + c.rules());
            }
        }
        for (String name : actual.chains().keySet()) {
            if (!expected.chains().containsKey(name)) out.add(t + ": unexpected chain " + name);
        }
        for (Set s : expected.sets().values()) {
            Set a = actual.sets().get(s.name());
            if (a == null) {
                out.add(t + ": set " + s.name() + " is missing");
                continue;
            }
            for (Element e : s.elements().values()) {
                Element x = a.elements().get(e.key());
                if (x == null) {
                    out.add(t + ": set " + s.name() + " lacks element " + text(e));
                } else if (!x.data().equals(e.data())) {
                    out.add(t + ": set " + s.name() + " has " + text(x) + ", expected " + text(e));
                }
            }
            for (Element x : a.elements().values()) {
                if (!s.elements().containsKey(x.key())) out.add(t + ": set " + s.name() + " has stray element " + text(x));
            }
        }
        for (String name : actual.sets().keySet()) {
            if (!expected.sets().containsKey(name)) out.add(t + ": unexpected set " + name);
        }
        return out;
    }

    private static String text(Element e) {
        return e.data().isEmpty() ? e.key() : e.key() + " : " + e.data();
    }

    private static final class Builder {
        private final NftFamily family;
        private final String name;
        private final Map<String, Chain> chains = new LinkedHashMap<>();
        private final Map<String, Map<String, Element>> sets = new LinkedHashMap<>();

        Builder(NftFamily family, String name) {
            this.family = family;
            this.name = name;
        }

        void apply(NftOp op) {
            switch (op) {
                case NftOp.AddChain c -> chains.putIfAbsent(c.chain().name(), new Chain(c.chain().name(), c.chain().isBase(), List.of()));
                case NftOp.FlushChain c -> chains.computeIfPresent(c.chain(), (k, v) -> new Chain(k, v.base(), List.of()));
                case NftOp.DeleteChain c -> chains.remove(c.chain());
                case NftOp.AddSet s -> sets.putIfAbsent(s.set().name(), new LinkedHashMap<>());
                case NftOp.AddRule r -> bump(r.chain(), r.rule(), false);
                case NftOp.InsertRule r -> bump(r.chain(), r.rule(), true);
                case NftOp.AddElements e -> {
                    Map<String, Element> m = sets.get(e.set());
                    for (NftElement el : e.elements()) m.put(el.keyText(), new Element(el.keyText(), el.dataText(), 0));
                }
                case NftOp.DeleteElements e -> {
                    Map<String, Element> m = sets.get(e.set());
                    for (NftElement el : e.elements()) m.remove(el.keyText());
                }
                default -> throw new IllegalArgumentException(op.toString());
            }
        }

        private void bump(String chain, NftRule rule, boolean first) {
            Chain c = Objects.requireNonNull(chains.get(chain), () -> "no chain " + chain);
            List<Long> p = new ArrayList<>(c.rulePackets());
            p.add(first ? 0 : p.size(), rule.counts() ? 0L : -1L);
            chains.put(chain, new Chain(chain, c.base(), p));
        }

        NftTableState build() {
            Map<String, Set> s = new LinkedHashMap<>();
            sets.forEach((k, v) -> s.put(k, new Set(k, v)));
            return new NftTableState(family, name, chains, s);
        }
    }
}
