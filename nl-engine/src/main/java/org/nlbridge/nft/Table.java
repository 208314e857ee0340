package org.nlbridge.nft;

import java.util.Objects;

/** A table to create, or as listed: its family and name, and an optional comment. */
public record Table(TableRef ref, String comment) {
    public Table {
        Objects.requireNonNull(ref, "ref");
        NftNames.comment("table comment", comment);
    }

    public static Table of(TableRef ref) {
        return new Table(ref, null);
    }

    public static Table of(Family family, String name) {
        return new Table(new TableRef(family, name), null);
    }

    public Table withComment(String comment) {
        return new Table(ref, comment);
    }
}
