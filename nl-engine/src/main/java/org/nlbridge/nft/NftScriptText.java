package org.nlbridge.nft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Prints recorded transaction operations as the {@code nft -f} commands that do the same, and listed tables as
 * {@code nft list table} prints them; each rule's text comes from {@link NftText}.
 */
final class NftScriptText {

    private NftScriptText() {}

    /** One recorded operation as the {@code nft -f} command that does the same. */
    static String command(Transaction.Op op) {
        String verb = op.verb().name().toLowerCase(Locale.ROOT);
        return switch (op.object()) {
            case Table t -> (op.verb() == Transaction.Verb.CREATE ? "create" : "add") + " table " + t.ref()
                    + (t.comment() == null ? "" : " { comment \"" + t.comment() + "\"; }");
            case TableRef t -> verb + " table " + t;
            case Chain c -> (op.verb() == Transaction.Verb.CREATE ? "create" : "add") + " chain " + c.ref()
                    + chainSpec(c);
            case ChainRef c -> op.verb() == Transaction.Verb.DELETE && op.handle() != 0
                    ? "delete rule " + c + " handle " + op.handle() : verb + " chain " + c;
            case NamedSet n -> (op.verb() == Transaction.Verb.CREATE ? "create " : "add ")
                    + (n.isMap() ? "map " : "set ") + n.ref() + setSpec(n);
            case SetRef r -> verb + " set " + r;
            case Rule r -> switch (op.verb()) {
                case APPEND -> "add rule " + r.chain() + " " + r;
                case INSERT -> "insert rule " + r.chain() + " " + r;
                case INSERT_BEFORE -> "insert rule " + r.chain() + " position " + op.handle() + " " + r;
                case ADD_AFTER -> "add rule " + r.chain() + " position " + op.handle() + " " + r;
                case REPLACE -> "replace rule " + r.chain() + " handle " + op.handle() + " " + r;
                default -> throw new IllegalStateException(op.verb().toString());
            };
            case ElementWriter w -> {
                StringJoiner j = new StringJoiner(", ", " { ", " }");
                for (Element e : w.elements()) {
                    j.add(w.deletes() ? Elements.format(e.keyType(), e.key()) : e.toString());
                }
                String v = op.verb() == Transaction.Verb.ADD_ELEMENTS ? "add"
                        : op.verb() == Transaction.Verb.DESTROY_ELEMENTS ? "destroy" : "delete";
                yield v + " element " + w.set().ref() + j;
            }
            default -> throw new IllegalStateException("unknown operation " + op.object());
        };
    }

    /** A base chain's {@code { type T hook H priority P; policy X; }} (priority as a number), or a comment. */
    private static String chainSpec(Chain c) {
        StringBuilder b = new StringBuilder();
        Chain.Base base = c.base();
        if (base != null) {
            b.append(" type ").append(base.type()).append(" hook ").append(base.hook()).append(" priority ")
                    .append(base.priority().value()).append("; policy ").append(base.policy()).append(";");
        }
        if (c.comment() != null) b.append(" comment \"").append(c.comment()).append("\";");
        return b.isEmpty() ? "" : " {" + b + " }";
    }

    /** {@code { type K [: V]; [flags interval;] [counter;] [comment "C";] }}. */
    private static String setSpec(NamedSet s) {
        StringBuilder b = new StringBuilder(" { type ").append(s.key());
        if (s.isMap()) b.append(" : ").append(s.data());
        b.append(";");
        if (s.interval()) b.append(" flags interval;");
        if (s.counter()) b.append(" counter;");
        if (s.comment() != null) b.append(" comment \"").append(s.comment()).append("\";");
        return b.append(" }").toString();
    }

    /** A listed table as {@code nft list table} prints it: sets and maps first, then chains, blocks apart. */
    static String table(Listing l) {
        StringBuilder b = new StringBuilder();
        Table t = l.table();
        b.append("table ").append(t.ref().family()).append(' ').append(t.ref().name()).append(" {\n");
        if (t.comment() != null) b.append("\tcomment \"").append(t.comment()).append("\"\n");
        boolean first = true;
        for (Listing.SetListing s : l.sets()) {
            if (!first) b.append('\n');
            first = false;
            set(b, s.set(), s.elements());
        }
        for (Listing.ChainListing c : l.chains()) {
            if (!first) b.append('\n');
            first = false;
            chain(b, c.chain(), c.rules());
        }
        return b.append("}\n").toString();
    }

    static void set(StringBuilder b, NamedSet s, List<Element> elements) {
        b.append('\t').append(s.isMap() ? "map " : "set ").append(s.name()).append(" {\n");
        b.append("\t\ttype ").append(s.key());
        if (s.isMap()) b.append(" : ").append(s.data());
        b.append('\n');
        if (s.interval()) b.append("\t\tflags interval\n");
        if (s.counter()) b.append("\t\tcounter\n");
        if (s.comment() != null) b.append("\t\tcomment \"").append(s.comment()).append("\"\n");
        if (!elements.isEmpty()) {
            if (!s.interval()) elements = sorted(s.key(), elements);
            b.append("\t\telements = { ");
            int perLine = perLine(s.key());
            int count = 0;
            for (int i = 0; i < elements.size(); i++) {
                if (i > 0) {
                    // nft's calculate_delim: a few short values per line, long ones one per line
                    if (perLine > 0 && count < perLine) {
                        b.append(", ");
                    } else {
                        count = 0;
                        b.append(",\n\t\t\t     ");
                    }
                }
                b.append(elements.get(i));
                count++;
            }
            b.append(" }\n");
        }
        b.append("\t}\n");
    }

    /**
     * Elements in the order nft prints them: by key, read as one number the way nft holds it (a concatenation or
     * a host-order field in host order, a network-order field in network order).
     */
    private static List<Element> sorted(KeyType key, List<Element> elements) {
        int n = (key.length() + 3) & ~3;
        List<byte[]> keys = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            byte[] k = new byte[n + 4];
            List<Object> v = elements.get(i).key();
            for (int f = 0; f < v.size(); f++) {
                Object o = v.get(f);
                int off = key.isConcat() ? key.offset(f) : 0;
                if (o instanceof Integer x) key.field(f).writeInt(x, k, off, "key");
                else key.field(f).write(o, k, off, "key");
            }
            keys.add(Arrays.copyOf(k, key.length()));
            order.add(i);
        }
        order.sort((x, y) -> Elements.compareKeys(key, keys.get(x), keys.get(y)));
        List<Element> out = new ArrayList<>(elements.size());
        for (int i : order) out.add(elements.get(i));
        return out;
    }

    /** Elements nft prints per line for a key type; 0 for one per line. */
    private static int perLine(KeyType key) {
        if (key.isConcat()) return 0;
        return switch (key.field(0)) {
            case INET_PROTO, INET_SERVICE, MARK -> 5;
            case IPV4_ADDR -> 2;
            default -> 0;
        };
    }

    static void chain(StringBuilder b, Chain c, List<Rule> rules) {
        b.append("\tchain ").append(c.name()).append(" {\n");
        if (c.comment() != null) b.append("\t\tcomment \"").append(c.comment()).append("\"\n");
        Chain.Base base = c.base();
        if (base != null) {
            b.append("\t\ttype ").append(base.type()).append(" hook ").append(base.hook()).append(" priority ")
                    .append(base.priority().toString(c.table().family(), base.hook())).append("; policy ")
                    .append(base.policy()).append(";\n");
        }
        for (Rule r : rules) b.append("\t\t").append(r).append('\n');
        b.append("\t}\n");
    }
}
