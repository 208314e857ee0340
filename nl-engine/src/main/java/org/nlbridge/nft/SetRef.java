package org.nlbridge.nft;

import java.util.Objects;

/** A named set or map by table and name. */
public record SetRef(TableRef table, String name) {
    public SetRef {
        Objects.requireNonNull(table, "table");
        NftNames.name("set name", name);
    }

    /** {@code ip nlbridge hostports}. */
    @Override
    public String toString() {
        return table + " " + name;
    }
}
