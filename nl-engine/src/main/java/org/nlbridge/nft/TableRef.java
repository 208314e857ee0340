package org.nlbridge.nft;

import java.util.Objects;

/** A table by family and name, e.g. {@code ip nlbridge}. */
public record TableRef(Family family, String name) {
    public TableRef {
        Objects.requireNonNull(family, "family");
        NftNames.name("table name", name);
    }

    public static TableRef of(Family family, String name) {
        return new TableRef(family, name);
    }

    public ChainRef chain(String chain) {
        return new ChainRef(this, chain);
    }

    public SetRef set(String set) {
        return new SetRef(this, set);
    }

    /*
     * equals and hashCode written out: a record's are linked at their first call (ObjectMethods bootstrap), which a
     * JDK 25 AOT cache does not keep, and opening the nftables engine hashes its tables.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof TableRef r && r.family.equals(family) && r.name.equals(name);
    }

    @Override
    public int hashCode() {
        return 31 * family.hashCode() + name.hashCode();
    }

    /** {@code ip nlbridge}, as nft names a table. */
    @Override
    public String toString() {
        return family + " " + name;
    }
}
