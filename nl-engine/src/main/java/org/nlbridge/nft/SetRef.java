package org.nlbridge.nft;

import java.util.Objects;

/** A named set or map by table and name. */
public record SetRef(TableRef table, String name) {
    public SetRef {
        Objects.requireNonNull(table, "table");
        NftNames.name("set name", name);
    }

    /*
     * equals and hashCode written out: a record's are linked at their first call (ObjectMethods bootstrap), which a
     * JDK 25 AOT cache does not keep, and opening the nftables engine hashes its tables.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof SetRef r && r.table.equals(table) && r.name.equals(name);
    }

    @Override
    public int hashCode() {
        return 31 * table.hashCode() + name.hashCode();
    }

    /** {@code ip nlbridge hostports}. */
    @Override
    public String toString() {
        return table + " " + name;
    }
}
