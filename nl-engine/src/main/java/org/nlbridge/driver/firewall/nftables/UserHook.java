package org.nlbridge.driver.firewall.nftables;

import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.nlbridge.nft.Family;
import org.nlbridge.nft.Listing;
import org.nlbridge.nft.Rule;
import org.nlbridge.nft.TableRef;
import org.nlbridge.nft.Transaction;
import org.nlbridge.spec.UserRulesSpec;

/**
 * The user hook ({@link NftLayout#USER_TABLE}, chain {@link NftLayout#USER_CHAIN}) as the nftables driver keeps it:
 * created when missing, a script's rules inserted with their mark ({@link UserHookRules#declared}), found again and
 * taken back by that mark only. Everything else in the hook is the user's and is never touched.
 */
final class UserHook {
    private final Function<TableRef, Optional<Listing>> list;
    private final BiConsumer<String, Transaction> commit;

    /** @param list reads a table (empty if absent); @param commit commits a transaction, naming what it does */
    UserHook(Function<TableRef, Optional<Listing>> list, BiConsumer<String, Transaction> commit) {
        this.list = list;
        this.commit = commit;
    }

    /** Whether the hook's chain exists in every IP family; reads only. */
    boolean exists() {
        return NftLayout.IP_FAMILIES.stream().allMatch(f -> list.apply(NftLayout.userTable(f))
                .flatMap(t -> t.chain(NftLayout.USER_CHAIN)).isPresent());
    }

    /** Creates the hook's table and chain where missing, per family. */
    void ensure() {
        for (Family f : NftLayout.IP_FAMILIES) {
            Optional<Listing> t = list.apply(NftLayout.userTable(f));
            if (t.isPresent() && t.get().chain(NftLayout.USER_CHAIN).isPresent()) continue;
            Transaction tx = transaction();
            if (t.isPresent()) tx.addChain(NftLayout.userChain(f)); // the table is there: only the chain is missing
            else NftLayout.userHook(tx, f);
            commit.accept("create the user hook " + NftLayout.userTable(f), tx);
        }
    }

    /** Inserts rules at the top of the hook, in one transaction; a rule of another chain is refused. */
    void insert(List<Rule> rules) {
        Transaction tx = transaction();
        for (Rule r : rules) {
            boolean hook = r.chain().name().equals(NftLayout.USER_CHAIN)
                    && NftLayout.IP_FAMILIES.stream().anyMatch(f -> r.chain().table().equals(NftLayout.userTable(f)));
            if (!hook) throw new IllegalArgumentException("not a user hook rule: " + r.chain() + " " + r);
            tx.insert(r);
        }
        commit.accept("insert user hook rules", tx);
    }

    /**
     * Whether the hook holds every rule of a script's {@code rule} (with the mark, or an identical rule without it,
     * as the user or an older nlbridge inserted it); reads only.
     */
    boolean has(UserRulesSpec.AllowOnlyFrom rule) {
        for (Rule want : UserHookRules.declared(rule)) {
            Rule w = unmarked(want);
            boolean there = list.apply(want.chain().table()).flatMap(t -> t.chain(NftLayout.USER_CHAIN))
                    .map(c -> c.rules().stream().anyMatch(h -> unmarked(h).equals(w))).orElse(false);
            if (!there) return false;
        }
        return true;
    }

    /** Deletes the rules marked as {@code rule}'s, and nothing else. */
    void remove(UserRulesSpec.AllowOnlyFrom rule) {
        String marker = UserHookRules.marker(rule);
        Transaction tx = transaction();
        for (Family f : NftLayout.IP_FAMILIES) {
            list.apply(NftLayout.userTable(f)).flatMap(t -> t.chain(NftLayout.USER_CHAIN)).ifPresent(c -> {
                for (Rule r : c.rules()) {
                    if (marker.equals(r.comment())) tx.deleteRule(c.chain().ref(), r.handle());
                }
            });
        }
        if (!tx.isEmpty()) commit.accept("remove the user hook rule " + rule, tx);
    }

    /** A rule as built, without its counters, handle and comment. */
    private static Rule unmarked(Rule r) {
        Rule x = r.withoutState();
        return new Rule(x.chain(), x.exprs(), null, 0);
    }

    private static Transaction transaction() {
        return new Transaction(NftLayout.TABLES);
    }
}
