package org.nlbridge.nft;

import java.util.List;
import java.util.Optional;

/**
 * One table as read back from the kernel: its sets and maps with their elements, its chains with their rules
 * (decoded, with handles and counters). {@link #toString()} prints it as {@code nft list table} does.
 */
public record Listing(Table table, long handle, List<SetListing> sets, List<ChainListing> chains) {
    public Listing {
        sets = List.copyOf(sets);
        chains = List.copyOf(chains);
    }

    /** A set or map with its elements. */
    public record SetListing(NamedSet set, long handle, List<Element> elements) {
        public SetListing {
            elements = List.copyOf(elements);
        }
    }

    /** A chain with its rules in order. */
    public record ChainListing(Chain chain, long handle, List<Rule> rules) {
        public ChainListing {
            rules = List.copyOf(rules);
        }
    }

    public TableRef ref() {
        return table.ref();
    }

    public Optional<ChainListing> chain(String name) {
        return chains.stream().filter(c -> c.chain().name().equals(name)).findFirst();
    }

    public Optional<SetListing> set(String name) {
        return sets.stream().filter(s -> s.set().name().equals(name)).findFirst();
    }

    /** The table as {@code nft list table FAMILY NAME} prints it (without handles). */
    @Override
    public String toString() {
        return NftScriptText.table(this);
    }
}
