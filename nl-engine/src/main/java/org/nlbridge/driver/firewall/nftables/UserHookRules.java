package org.nlbridge.driver.firewall.nftables;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.nft.Family;
import org.nlbridge.nft.NftNames;
import org.nlbridge.nft.Rule;
import org.nlbridge.nft.RuleBuilder;
import org.nlbridge.nft.Selector;
import org.nlbridge.spec.UserRulesSpec;

/**
 * Rules for the user hook ({@link NftLayout#USER_TABLE}, chain {@link NftLayout#USER_CHAIN}), for users and the
 * CLI. The engine adds there only what a script declares ({@link #declared}, marked as such), and never edits or
 * removes a rule without that mark.
 */
public final class UserHookRules {
    private UserHookRules() {}

    /**
     * Docker's DOCKER-USER example "accept only traffic from 8.8.8.8 on the external interface", as nftables says
     * it: drop what arrives on {@code external} from any other source, {@code iifname "eth0" ip saddr != 8.8.8.8
     * counter drop}, or with several sources {@code ip saddr != { 8.8.8.8, 10.0.0.0/8 }}. One rule per address
     * family the sources have (ip first, then ip6), each for the hook of its family; a family without sources is
     * left alone. Everything else falls through to our rules. Covers forwarded traffic (containers and anything else
     * routed through the host), not connections to the host itself.
     *
     * @throws org.nlbridge.net.ValidationException for no sources, or sources that repeat or overlap
     */
    public static List<Rule> onlyFrom(IfName external, List<Cidr> allowed) {
        Objects.requireNonNull(external, "external");
        if (allowed.isEmpty()) {
            throw new ValidationException("allowed sources", "", "no source given",
                    "one or more addresses or subnets");
        }
        List<Rule> out = new ArrayList<>(2);
        for (Family f : NftLayout.IP_FAMILIES) {
            List<Cidr> sources = new ArrayList<>();
            for (Cidr c : allowed) {
                if (NftLayout.family(c.family()) == f) sources.add(c.subnet());
            }
            if (sources.isEmpty()) continue;
            RuleBuilder r = Rule.in(NftLayout.userChain(f)).iifname(external);
            if (sources.size() == 1) {
                r.saddrNot(sources.getFirst());
            } else {
                r.noneOf(f == Family.IP ? Selector.IP_SADDR : Selector.IP6_SADDR, sources);
            }
            out.add(r.counter().drop().build());
        }
        return out;
    }

    /**
     * The rules of a script's {@code allowOnlyFrom}, each carrying the comment that says a script declared it
     * ({@link #marker}): how the engine finds its own among the user's rules, to tell whether they are still there
     * and to take back one it inserted in a request that is undone. The user's own rules carry no such comment.
     */
    public static List<Rule> declared(UserRulesSpec.AllowOnlyFrom rule) {
        String marker = marker(rule);
        return onlyFrom(rule.on(), rule.sources()).stream().map(r -> new Rule(r.chain(), r.exprs(), marker, 0)).toList();
    }

    /** {@code nlbridge: allow only from 8.8.8.8/32 on uplink0}, or its SHA-256 prefix when too long for a comment. */
    public static String marker(UserRulesSpec.AllowOnlyFrom rule) {
        String text = "nlbridge: " + rule;
        if (text.getBytes(StandardCharsets.UTF_8).length <= NftNames.MAX_COMMENT_BYTES) return text;
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "nlbridge: allow only from ... on " + rule.on() + " #" + HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    /** The rule for one source. */
    public static Rule onlyFrom(IfName external, Cidr allowed) {
        return onlyFrom(external, List.of(allowed)).getFirst();
    }

    public static Rule onlyFrom(IfName external, IpAddress allowed) {
        return onlyFrom(external, Cidr.of(allowed, allowed.bitLength()));
    }

    /**
     * The same as nft command lines: {@code insert rule ip nlbridge-user forward iifname "eth0" ip saddr != 8.8.8.8
     * counter packets 0 bytes 0 drop}.
     */
    public static List<String> nftCommands(IfName external, List<Cidr> allowed) {
        return onlyFrom(external, allowed).stream().map(r -> "insert rule " + r.chain() + " " + r).toList();
    }
}
