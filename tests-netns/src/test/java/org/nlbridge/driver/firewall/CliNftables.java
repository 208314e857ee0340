package org.nlbridge.driver.firewall;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.nlbridge.driver.firewall.nftables.NftFirewallDriver;
import org.nlbridge.nft.Listing;
import org.nlbridge.nft.Nft;
import org.nlbridge.nft.TableRef;
import org.nlbridge.nft.Transaction;
import org.nlbridge.testing.Cmd;

/**
 * Test-only: the driver's transactions loaded with the real nft as the {@code nft -f} scripts they render, so the
 * policy and the driver are checked independently of the engine's netlink encoding (the engine itself never runs
 * nft). Tables are read back through the engine's listing, which so also decodes what nft wrote: the driver's
 * reconcile finds no drift only if nft's objects equal the engine's.
 */
final class CliNftables implements NftFirewallDriver.Nftables {
    private final String ns;
    private final Nft reader;
    final List<String> scripts = new ArrayList<>();

    CliNftables(String ns, Nft reader) {
        this.ns = ns;
        this.reader = reader;
    }

    @Override
    public void commit(Transaction tx) {
        String script = tx.toScript();
        Cmd.Result r = NftCli.exec(ns, script, "-f", "-");
        if (r.exit() != 0) throw new IllegalStateException("nft -f: " + r.err().strip());
        scripts.add(script);
    }

    @Override
    public Optional<Listing> list(TableRef table) {
        return reader.list(table);
    }
}
