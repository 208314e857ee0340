package org.nlbridge.nft;

import java.util.Objects;

/** A chain by table and name. */
public record ChainRef(TableRef table, String name) {
    public ChainRef {
        Objects.requireNonNull(table, "table");
        NftNames.name("chain name", name);
    }

    /** {@code ip nlbridge nat-PREROUTING}. */
    @Override
    public String toString() {
        return table + " " + name;
    }
}
