package org.nlbridge.nft;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A rule: its chain, its expressions, an optional comment (kept in the rule's userdata, as nft does) and, once it
 * exists in the kernel, its handle (0 before). Build one with {@link #in(ChainRef)}:
 *
 * <pre>{@code
 * Rule r = Rule.in(chain).oifnameNot("br0").ipSaddr(subnet).counter().masquerade().comment("MASQUERADE").build();
 * r.toString();  // oifname != "br0" ip saddr 172.17.0.0/16 counter packets 0 bytes 0 masquerade comment "MASQUERADE"
 * }</pre>
 */
public record Rule(ChainRef chain, List<Expr> exprs, String comment, long handle) {
    public Rule {
        Objects.requireNonNull(chain, "chain");
        exprs = List.copyOf(exprs);
        NftNames.comment("rule comment", comment);
    }

    /** Starts a rule for {@code chain}. */
    public static RuleBuilder in(ChainRef chain) {
        return new RuleBuilder(chain);
    }

    /** Starts a rule for {@code chain}. */
    public static RuleBuilder in(Chain chain) {
        return new RuleBuilder(chain.ref());
    }

    public Rule withHandle(long handle) {
        return new Rule(chain, exprs, comment, handle);
    }

    /**
     * This rule without what the kernel adds to it: no handle, counters at zero, anonymous sets under the name they
     * are sent with rather than the one the kernel gave them. A listed rule's {@code withoutState()} equals the built
     * rule it was created from, so desired and actual rules can be compared with {@code equals} when reconciling.
     */
    public Rule withoutState() {
        boolean changed = handle != 0;
        List<Expr> out = new ArrayList<>(exprs.size());
        for (Expr e : exprs) {
            if (e instanceof Expr.Counter c && (c.packets() != 0 || c.bytes() != 0)) {
                out.add(Expr.Counter.ZERO);
                changed = true;
            } else if (e instanceof Expr.Lookup l && l.anonymous() != null && !l.set().equals(AnonymousSet.NAME)) {
                out.add(new Expr.Lookup(AnonymousSet.NAME, l.sreg(), l.dreg(), l.inverted(), l.anonymous()));
                changed = true;
            } else {
                out.add(e);
            }
        }
        return changed ? new Rule(chain, out, comment, 0) : this;
    }

    /** The first counter's packets and bytes, as the kernel last reported them (zero on a rule not listed). */
    public Optional<Expr.Counter> counter() {
        for (Expr e : exprs) {
            if (e instanceof Expr.Counter c) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** The rule as {@code nft list} prints it, without the handle. */
    @Override
    public String toString() {
        return NftText.rule(chain.table().family(), this);
    }

    /** The expressions as {@code nft --debug=netlink} prints them, one per line. */
    public String toDebugString() {
        StringBuilder b = new StringBuilder();
        for (Expr e : exprs) b.append("  ").append(e).append('\n');
        return b.toString();
    }
}
