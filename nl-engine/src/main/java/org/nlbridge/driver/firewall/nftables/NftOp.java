package org.nlbridge.driver.firewall.nftables;

import java.util.List;
import java.util.Objects;

/** One message of an nf_tables transaction, addressed to a table of a family. */
public sealed interface NftOp {

    NftFamily family();

    String table();

    /** {@code NFT_MSG_NEWTABLE}; an existing table is left as it is (no {@code NLM_F_EXCL}). */
    record AddTable(NftFamily family, String table) implements NftOp {
        public AddTable {
            NftNames.check(table);
        }
    }

    /** {@code NFT_MSG_DELTABLE}: the table and everything in it. */
    record DeleteTable(NftFamily family, String table) implements NftOp {
        public DeleteTable {
            NftNames.check(table);
        }
    }

    /** {@code NFT_MSG_NEWCHAIN}. */
    record AddChain(NftFamily family, String table, NftChain chain) implements NftOp {
        public AddChain {
            NftNames.check(table);
            Objects.requireNonNull(chain);
        }
    }

    /** {@code NFT_MSG_DELRULE} for every rule of the chain (nft's {@code flush chain}). */
    record FlushChain(NftFamily family, String table, String chain) implements NftOp {
        public FlushChain {
            NftNames.check(table);
            NftNames.check(chain);
        }
    }

    /** {@code NFT_MSG_DELCHAIN}; the chain must be empty and unreferenced by then. */
    record DeleteChain(NftFamily family, String table, String chain) implements NftOp {
        public DeleteChain {
            NftNames.check(table);
            NftNames.check(chain);
        }
    }

    /** {@code NFT_MSG_NEWSET}. */
    record AddSet(NftFamily family, String table, NftSet set) implements NftOp {
        public AddSet {
            NftNames.check(table);
            Objects.requireNonNull(set);
        }
    }

    /** {@code NFT_MSG_NEWRULE}, appended at the end of the chain. */
    record AddRule(NftFamily family, String table, String chain, NftRule rule) implements NftOp {
        public AddRule {
            NftNames.check(table);
            NftNames.check(chain);
            Objects.requireNonNull(rule);
        }
    }

    /** {@code NFT_MSG_NEWRULE} without {@code NLM_F_APPEND}: the rule goes first in the chain. Only for the user hook helper. */
    record InsertRule(NftFamily family, String table, String chain, NftRule rule) implements NftOp {
        public InsertRule {
            NftNames.check(table);
            NftNames.check(chain);
            Objects.requireNonNull(rule);
        }
    }

    /** {@code NFT_MSG_NEWSETELEM}; an element that exists already is an error ({@code NLM_F_EXCL}). */
    record AddElements(NftFamily family, String table, String set, List<NftElement> elements) implements NftOp {
        public AddElements {
            NftNames.check(table);
            NftNames.check(set);
            elements = List.copyOf(elements);
        }
    }

    /** {@code NFT_MSG_DELSETELEM} by key (map data is ignored); a missing element fails the transaction. */
    record DeleteElements(NftFamily family, String table, String set, List<NftElement> elements) implements NftOp {
        public DeleteElements {
            NftNames.check(table);
            NftNames.check(set);
            elements = List.copyOf(elements);
        }
    }
}
