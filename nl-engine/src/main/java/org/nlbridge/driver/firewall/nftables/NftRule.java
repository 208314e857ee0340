package org.nlbridge.driver.firewall.nftables;

import java.util.List;
import java.util.stream.Collectors;

/** One rule: statements evaluated left to right; {@link #toString()} is the nft text. */
public record NftRule(List<NftExpr> exprs) {

    public NftRule {
        exprs = List.copyOf(exprs);
        if (exprs.isEmpty()) throw new IllegalArgumentException("empty rule");
    }

    public static NftRule of(NftExpr... exprs) {
        return new NftRule(List.of(exprs));
    }

    /** Whether the rule carries a counter (status sums them per chain). */
    public boolean counts() {
        return exprs.stream().anyMatch(e -> e instanceof NftExpr.Counter);
    }

    @Override
    public String toString() {
        return exprs.stream().map(NftExpr::toString).collect(Collectors.joining(" "));
    }
}
