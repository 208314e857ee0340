package org.nlbridge.driver.firewall.nftables;

import java.util.stream.Collectors;

/**
 * Renders a transaction as an {@code nft -f} script: for {@code nlbridge plan}, for logs, and for tests, which
 * load it into a namespace with the real nft to check our output against nft's. The engine itself never runs nft.
 */
public final class NftText {
    private NftText() {}

    public static String script(NftBatch batch) {
        StringBuilder b = new StringBuilder();
        for (NftOp op : batch.ops()) {
            b.append(line(op)).append('\n');
        }
        return b.toString();
    }

    public static String line(NftOp op) {
        String where = op.family() + " " + op.table();
        return switch (op) {
            case NftOp.AddTable t -> "add table " + where;
            case NftOp.DeleteTable t -> "delete table " + where;
            case NftOp.AddChain c -> "add chain " + where + " " + c.chain().name() + hook(c.chain());
            case NftOp.FlushChain c -> "flush chain " + where + " " + c.chain();
            case NftOp.DeleteChain c -> "delete chain " + where + " " + c.chain();
            case NftOp.AddSet s -> "add " + (s.set().isMap() ? "map " : "set ") + where + " " + s.set().name()
                    + " { type " + s.set().typeText() + ";" + (s.set().counter() ? " counter;" : "") + " }";
            case NftOp.AddRule r -> "add rule " + where + " " + r.chain() + " " + r.rule();
            case NftOp.InsertRule r -> "insert rule " + where + " " + r.chain() + " " + r.rule();
            case NftOp.AddElements e -> "add element " + where + " " + e.set() + " { "
                    + e.elements().stream().map(NftElement::toString).collect(Collectors.joining(", ")) + " }";
            case NftOp.DeleteElements e -> "delete element " + where + " " + e.set() + " { "
                    + e.elements().stream().map(NftElement::keyText).collect(Collectors.joining(", ")) + " }";
        };
    }

    private static String hook(NftChain c) {
        if (!c.isBase()) return "";
        NftChain.Hook h = c.hook();
        return " { type " + h.type() + " hook " + h.hook() + " priority " + h.priority() + "; policy accept; }";
    }
}
