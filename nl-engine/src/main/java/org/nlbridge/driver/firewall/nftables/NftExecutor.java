package org.nlbridge.driver.firewall.nftables;

import java.util.Optional;

/**
 * Where transactions go and where tables are read back from. The engine's implementation speaks nf_tables over
 * netlink; tests also drive the driver through the real {@code nft} binary, which the
 * engine itself never runs.
 */
public interface NftExecutor {

    /**
     * Applies the batch as one transaction: all of it or none of it.
     *
     * @throws org.nlbridge.driver.firewall.FirewallException naming {@link NftBatch#what()}, with the kernel's
     *         error as the cause
     */
    void apply(NftBatch batch);

    /** What the executor can express; the layout leaves out what it cannot. */
    NftFeatures features();

    /** Reads a table (chains with rule counts and counter sums, sets with elements); empty if it does not exist. */
    Optional<NftTableState> read(NftFamily family, String table);
}
