package org.nlbridge.driver.firewall.nftables;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.driver.firewall.NetworkFirewallSpec;
import org.nlbridge.net.IfName;
import org.nlbridge.nft.ChainRef;
import org.nlbridge.nft.Expr;
import org.nlbridge.nft.Family;
import org.nlbridge.nft.Listing;
import org.nlbridge.nft.Policy;
import org.nlbridge.nft.Rule;
import org.nlbridge.nft.RuleBuilder;
import org.nlbridge.nft.Selector;
import org.nlbridge.nft.TableRef;
import org.nlbridge.nft.Transaction;
import org.nlbridge.nft.Verdict;
import org.nlbridge.spec.Change;

/**
 * Sharing the host with an iptables-nft firewall whose {@code FORWARD} policy is DROP (dockerd, UFW, a hand-made
 * ruleset): nf_tables runs every base chain of a hook and a packet passes only if none drops it, so that policy
 * drops our networks' traffic whatever our own table accepts. Here are the fewest rules that hand the decision back
 * to our table, written into the other firewall's chain the way iptables-nft itself writes them, so that
 * {@code iptables -S}, {@code -L} and {@code -C} read them like any other rule. Pure: it plans from listings and
 * records into a transaction; {@link HostFirewallSync} reads and commits.
 *
 * <h2>Where</h2>
 * Only in a table {@code ip filter} / {@code ip6 filter} whose {@code FORWARD} base chain has policy drop; nothing
 * otherwise (and ours are removed again when the policy goes back to accept). In Docker's {@code DOCKER-USER} chain
 * when {@code FORWARD} jumps to it (Docker documents it as the place for the administrator's forwarding rules, and
 * dockerd never flushes it or moves it), just before its first unconditional {@code RETURN} (Docker 20.10 to 27
 * end it with one; 28 and later leave it empty, and we append), so that the rules the administrator inserted at its
 * top still see our traffic first. Otherwise at the end of {@code FORWARD} (UFW, a plain {@code -P FORWARD DROP}),
 * after every rule of that firewall: an explicit drop or reject of it still wins, only its default is overridden.
 * Never a new chain, never a flush, never a rule moved: rules are added one by one and deleted by handle, and only
 * ours, which carry the comment {@code nlbridge: ...}.
 *
 * <h2>What (per network, in each family it has a subnet in)</h2>
 * <pre>
 * -o BR -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -m comment --comment "nlbridge: to BR" -j ACCEPT
 * -i BR ! -o BR -m comment --comment "nlbridge: from BR" -j ACCEPT
 * -i BR -o BR -m comment --comment "nlbridge: within BR" -j ACCEPT         (icc true only; seen with br_netfilter)
 * </pre>
 * Into the bridge only replies and DNATed connections (published ports; our table then admits only its own
 * published ports), so even with our table gone (someone deleted it) nothing new gets in that the other firewall
 * would drop. Out of the bridge, as Docker's own {@code -i docker0 ! -o docker0 -j ACCEPT}: our table decides
 * (masquerade, the un-NATable source drop, internal networks). Between containers of the bridge when icc allows it.
 * An internal network gets only the last rule: it has no way out or in.
 */
public final class HostFirewall {
    private HostFirewall() {}

    public static final TableRef IP_FILTER = TableRef.of(Family.IP, "filter");
    public static final TableRef IP6_FILTER = TableRef.of(Family.IP6, "filter");
    static final String FORWARD = "FORWARD";
    static final String DOCKER_USER = "DOCKER-USER";
    /** The chains of other tables the driver may add its own rules to and delete them from: nothing else. */
    public static final List<ChainRef> GUEST_CHAINS = List.of(IP_FILTER.chain(FORWARD), IP_FILTER.chain(DOCKER_USER),
            IP6_FILTER.chain(FORWARD), IP6_FILTER.chain(DOCKER_USER));
    /** Every comment of ours starts with this. */
    static final String MARK = "nlbridge: ";

    /** Which of the three rules. */
    enum Kind {
        TO("to"), FROM("from"), WITHIN("within");

        final String word;

        Kind(String word) {
            this.word = word;
        }
    }

    /** One accept rule for one bridge. */
    record Accept(IfName bridge, Kind kind) {
        String comment() {
            return MARK + kind.word + " " + bridge;
        }

        Rule rule(ChainRef chain) {
            RuleBuilder r = Rule.in(chain);
            switch (kind) {
                case TO -> r.ifnameAsIptables(Selector.OIFNAME, Expr.CmpOp.EQ, bridge)
                        .xtMatch("conntrack", 3, conntrackInfo());
                case FROM -> r.ifnameAsIptables(Selector.IIFNAME, Expr.CmpOp.EQ, bridge)
                        .ifnameAsIptables(Selector.OIFNAME, Expr.CmpOp.NEQ, bridge);
                case WITHIN -> r.ifnameAsIptables(Selector.IIFNAME, Expr.CmpOp.EQ, bridge)
                        .ifnameAsIptables(Selector.OIFNAME, Expr.CmpOp.EQ, bridge);
            }
            return r.counter().accept().comment(comment()).build();
        }

        /** As {@code iptables -S} prints it. */
        String iptables(String chain) {
            String match = switch (kind) {
                case TO -> "-o " + bridge + " -m conntrack --ctstate RELATED,ESTABLISHED,DNAT";
                case FROM -> "-i " + bridge + " ! -o " + bridge;
                case WITHIN -> "-i " + bridge + " -o " + bridge;
            };
            return "-A " + chain + " " + match + " -m comment --comment \"" + comment() + "\" -j ACCEPT";
        }
    }

    /** The accept rules {@code desired} needs in a table of {@code family}, in the order they are added. */
    static List<Accept> accepts(FirewallState desired, Family family) {
        List<Accept> out = new ArrayList<>();
        for (NetworkFirewallSpec n : desired.networks()) {
            if ((family == Family.IP ? n.subnet4() : n.subnet6()) == null) continue;
            if (!n.internal()) {
                out.add(new Accept(n.bridge(), Kind.TO));
                out.add(new Accept(n.bridge(), Kind.FROM));
            }
            if (n.icc()) out.add(new Accept(n.bridge(), Kind.WITHIN));
        }
        return out;
    }

    /**
     * {@code struct xt_conntrack_mtinfo3} for {@code --ctstate RELATED,ESTABLISHED,DNAT}, padded to 8 bytes as
     * iptables sends it and the kernel lists it: 168 bytes, all zero but {@code match_flags} ({@code
     * XT_CONNTRACK_STATE}, offset 146) and {@code state_mask} (offset 150), host byte order.
     */
    static byte[] conntrackInfo() {
        ByteBuffer b = ByteBuffer.allocate(168).order(ByteOrder.nativeOrder());
        b.putShort(146, (short) 1);
        b.putShort(150, (short) (2 | 4 | 128)); // ESTABLISHED, RELATED, DNAT
        return b.array();
    }

    // ------------------------------------------------------------------------------------------------ plan

    /** A rule of ours that is there: its chain, handle, the rule, and its position in the chain. */
    record Ours(ChainRef chain, long handle, Rule rule, int index) {}

    /** What to do: rules to delete (by handle) and to add (before a handle, or appended: 0), with plan lines. */
    record Plan(List<Ours> deletes, List<Add> adds, List<Change> changes, List<String> warnings) {
        boolean isEmpty() {
            return deletes.isEmpty() && adds.isEmpty();
        }

        /** The plan as operations on guest chains only. */
        void record(Transaction tx) {
            for (Ours o : deletes) tx.deleteRule(o.chain(), o.handle());
            for (Add a : adds) {
                if (a.before() > 0) tx.insertBefore(a.before(), a.rule());
                else tx.add(a.rule());
            }
        }
    }

    record Add(Rule rule, long before, String text) {}

    /**
     * What makes the filter tables ({@code listings}: ip and ip6, absent when the table does not exist) hold exactly
     * the accept rules {@code desired} needs, and nothing else of ours.
     */
    static Plan plan(Map<TableRef, Optional<Listing>> listings, FirewallState desired) {
        List<Ours> deletes = new ArrayList<>();
        List<Add> adds = new ArrayList<>();
        List<Change> changes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (TableRef t : List.of(IP_FILTER, IP6_FILTER)) {
            Listing l = listings.getOrDefault(t, Optional.empty()).orElse(null);
            if (l == null) continue;
            Target target = target(l);
            List<Accept> wanted = target == null ? List.of() : accepts(desired, t.family());
            List<Ours> present = ours(l);
            List<Ours> kept = new ArrayList<>();
            for (Ours o : present) {
                boolean useful = target != null && o.chain().equals(target.chain) && target.reaches(o.index)
                        && wanted.stream().anyMatch(a -> a.rule(target.chain).equals(o.rule.withoutState().withHandle(0)))
                        && kept.stream().noneMatch(k -> k.rule.withoutState().equals(o.rule.withoutState()));
                if (useful) {
                    kept.add(o);
                } else {
                    deletes.add(o);
                    changes.add(new Change(Change.Action.DELETE, "iptables rule", o.chain().toString(),
                            "handle " + o.handle() + ", comment \"" + comment(o.rule) + "\""));
                }
            }
            if (target == null) continue;
            for (Accept a : wanted) {
                Rule r = a.rule(target.chain);
                if (kept.stream().anyMatch(k -> k.rule.withoutState().withHandle(0).equals(r))) continue;
                String text = a.iptables(target.chain.name());
                adds.add(new Add(r, target.before, text));
                changes.add(new Change(Change.Action.CREATE, "iptables rule", target.chain.toString(),
                        text + "; " + target.why));
            }
            if (target.dropsFirst != null && !wanted.isEmpty()) {
                warnings.add(t + " FORWARD: " + target.dropsFirst + " drops every packet before nlbridge's accept rules;"
                        + " traffic of nlbridge networks stays dropped there. That is this firewall's explicit choice, so"
                        + " nlbridge leaves it alone: allow the bridges before that rule yourself");
            }
        }
        return new Plan(deletes, adds, changes, warnings);
    }

    /**
     * Where our rules go in a filter table, or null if it needs none (no FORWARD with policy drop): a chain, the
     * handle to insert before (0: append), the position of the first unconditional RETURN in it (rules after it are
     * never reached), why, and an unconditional drop of FORWARD that would make them useless.
     */
    private record Target(ChainRef chain, long before, int returnAt, String why, String dropsFirst) {
        boolean reaches(int index) {
            return index < returnAt;
        }
    }

    private static Target target(Listing l) {
        Listing.ChainListing forward = l.chain(FORWARD).orElse(null);
        if (forward == null || !forward.chain().isBase() || forward.chain().base().policy() != Policy.DROP) return null;
        String why = l.ref() + " FORWARD policy is drop";
        Listing.ChainListing user = l.chain(DOCKER_USER).orElse(null);
        boolean jumped = forward.rules().stream().anyMatch(r -> unconditional(r, Verdict.jump(DOCKER_USER)));
        if (user != null && jumped) {
            List<Rule> rules = user.rules();
            for (int i = 0; i < rules.size(); i++) {
                if (unconditional(rules.get(i), Verdict.RETURN)) {
                    return new Target(user.chain().ref(), rules.get(i).handle(), i, why + "; in dockerd's DOCKER-USER,"
                            + " before its RETURN", null);
                }
            }
            return new Target(user.chain().ref(), 0, Integer.MAX_VALUE, why + "; at the end of dockerd's DOCKER-USER", null);
        }
        String drops = null;
        for (int i = 0; i < forward.rules().size() && drops == null; i++) {
            Rule r = forward.rules().get(i);
            if (unconditional(r, Verdict.DROP)) drops = "rule " + (i + 1) + " (" + r + ")";
        }
        return new Target(forward.chain().ref(), 0, Integer.MAX_VALUE, why + "; at the end of FORWARD", drops);
    }

    /** Whether a rule matches nothing and only counts and gives {@code verdict} ({@code -j RETURN}). */
    static boolean unconditional(Rule r, Verdict verdict) {
        for (Expr e : r.exprs()) {
            if (e instanceof Expr.Counter) continue;
            if (e instanceof Expr.VerdictExpr v && v.verdict().equals(verdict)) continue;
            return false;
        }
        return r.exprs().stream().anyMatch(e -> e instanceof Expr.VerdictExpr);
    }

    /** Our rules in FORWARD and DOCKER-USER: those whose comment, as udata or as an xt comment match, is ours. */
    static List<Ours> ours(Listing l) {
        List<Ours> out = new ArrayList<>();
        for (String name : List.of(DOCKER_USER, FORWARD)) {
            l.chain(name).ifPresent(c -> {
                for (int i = 0; i < c.rules().size(); i++) {
                    Rule r = c.rules().get(i);
                    String comment = comment(r);
                    if (comment != null && comment.startsWith(MARK)) out.add(new Ours(c.chain().ref(), r.handle(), r, i));
                }
            });
        }
        return out;
    }

    /** A rule's comment: nft's userdata, or the {@code xt_comment_info} of iptables' {@code -m comment}. */
    static String comment(Rule r) {
        if (r.comment() != null) return r.comment();
        for (Expr e : r.exprs()) {
            if (e instanceof Expr.Match m && m.match().equals("comment")) {
                byte[] b = m.info().toArray();
                int n = 0;
                while (n < b.length && b[n] != 0) n++;
                return new String(b, 0, n, StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
