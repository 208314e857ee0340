package org.nlbridge.driver.firewall.nftables;

import java.util.List;

import org.nlbridge.driver.firewall.nftables.NftExpr.Counter;
import org.nlbridge.driver.firewall.nftables.NftExpr.Drop;
import org.nlbridge.driver.firewall.nftables.NftExpr.IfNameIs;
import org.nlbridge.driver.firewall.nftables.NftExpr.InPrefix;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;

/**
 * Rules for the user hook ({@link NftLayout#USER_TABLE}, chain {@link NftLayout#USER_CHAIN}), for users and the
 * CLI: the engine itself never adds, edits or removes anything there.
 */
public final class UserHookRules {
    private UserHookRules() {}

    /**
     * Docker's DOCKER-USER example "accept only traffic from 8.8.8.8 on the external interface", as nftables says
     * it: drop what arrives on {@code external} from any other source, {@code iifname "eth0" ip saddr != 8.8.8.8
     * counter drop}. Everything else falls through to our rules. Covers forwarded traffic (containers and
     * anything else routed through the host), not connections to the host itself.
     */
    public static NftRule onlyFrom(IfName external, Cidr allowed) {
        NftFamily f = NftLayout.family(allowed.family());
        return NftRule.of(new IfNameIs(NftField.IIFNAME, false, external),
                new InPrefix(NftField.addr(f, true), true, allowed.subnet()), new Counter(), new Drop());
    }

    public static NftRule onlyFrom(IfName external, IpAddress allowed) {
        return onlyFrom(external, Cidr.of(allowed, allowed.bitLength()));
    }

    /** The rule inserted at the top of the hook of the source's family. */
    public static NftOp.InsertRule insertOnlyFrom(IfName external, Cidr allowed) {
        return new NftOp.InsertRule(NftLayout.family(allowed.family()), NftLayout.USER_TABLE, NftLayout.USER_CHAIN,
                onlyFrom(external, allowed));
    }

    /** The same as an nft command line: {@code insert rule ip nlbridge-user forward iifname "eth0" ip saddr != 8.8.8.8 counter drop}. */
    public static String nftCommand(IfName external, Cidr allowed) {
        return NftText.line(insertOnlyFrom(external, allowed));
    }

    /** A one-op batch for {@link NftExecutor#apply}. */
    public static NftBatch batch(IfName external, Cidr allowed) {
        return new NftBatch("insert user hook rule", List.of(insertOnlyFrom(external, allowed)));
    }
}
