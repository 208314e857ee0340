package org.nlbridge.nft;

import java.util.Objects;

/** A chain by table and name. */
public record ChainRef(TableRef table, String name) {
    public ChainRef {
        Objects.requireNonNull(table, "table");
        NftNames.name("chain name", name);
    }

    /*
     * equals and hashCode written out: a record's are linked at their first call (ObjectMethods bootstrap), which a
     * JDK 25 AOT cache does not keep, and opening the nftables engine hashes its tables.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof ChainRef r && r.table.equals(table) && r.name.equals(name);
    }

    @Override
    public int hashCode() {
        return 31 * table.hashCode() + name.hashCode();
    }

    /** {@code ip nlbridge nat-PREROUTING}. */
    @Override
    public String toString() {
        return table + " " + name;
    }
}
