package org.nlbridge.nft;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.netlink.NlSocket;
import org.nlbridge.netns.NetNs;

/**
 * The nftables engine of one network namespace: a {@code NETLINK_NETFILTER} socket, the tables the engine owns,
 * and the reusable transaction buffer. Equivalent to running {@code nft} in that namespace, without exec.
 *
 * <pre>{@code
 * TableRef t = TableRef.of(Family.IP, "nlbridge");
 * try (Nft nft = Nft.open(netns, t)) {
 *     nft.apply(tx -> {
 *         tx.addTable(Table.of(t));
 *         tx.addSet(hostports);
 *         tx.addChain(prerouting);
 *         tx.add(Rule.in(prerouting.ref()).fibDaddrTypeLocal().counter().jump("nat-prerouting-and-output"));
 *     });
 *     System.out.println(nft.list(t).orElseThrow());
 * }
 * }</pre>
 *
 * <p>Ownership: every write is refused before it is sent unless it lies in one of the tables given at open; the
 * engine never flushes the ruleset or touches another table. Reading is not restricted.
 *
 * <p>Not thread-safe: one owner at a time, like the socket.
 */
public final class Nft implements AutoCloseable {
    /** Attempts at a transaction whose ruleset generation went stale ({@code ERESTART}) before giving up. */
    public static final int MAX_ATTEMPTS = 5;

    private final NlSocket socket;
    private final boolean ownsSocket;
    private final Set<TableRef> owned;
    private int lastAttempts;

    private Nft(NlSocket socket, boolean ownsSocket, Collection<TableRef> owned) {
        this.socket = socket;
        this.ownsSocket = ownsSocket;
        this.owned = Set.copyOf(owned);
    }

    /** Opens the engine in {@code ns}, owning {@code tables}. */
    public static Nft open(NetNs ns, TableRef... tables) {
        return new Nft(ns.openSocket(Uapi.NETLINK_NETFILTER()), true, List.of(tables));
    }

    /** The engine over an open {@code NETLINK_NETFILTER} socket, which stays the caller's to close. */
    public static Nft over(NlSocket socket, Collection<TableRef> tables) {
        return new Nft(socket, false, tables);
    }

    /** The tables this engine may write. */
    public Set<TableRef> owned() {
        return owned;
    }

    /** A new, empty transaction; record operations on it, then {@link #commit} it. */
    public Transaction transaction() {
        return new Transaction(owned);
    }

    /**
     * Sends {@code tx} as one nftables transaction stamped with the current ruleset generation. A stale generation
     * ({@code ERESTART}: someone changed the ruleset between our read and our commit) is re-read and the
     * transaction re-sent, at most {@link #MAX_ATTEMPTS} times in all. Any refusal aborts all of it.
     *
     * @throws org.nlbridge.netlink.NetlinkException naming the operation that failed (its object, errno and the
     *         kernel's extended-ack text); nothing of the transaction was applied
     */
    public void commit(Transaction tx) {
        apply(tx, null);
    }

    /**
     * Builds and commits a transaction; on a stale generation, {@code build} is run again on an empty
     * transaction (so what it read can be re-read) and re-sent, at most {@link #MAX_ATTEMPTS} times.
     */
    public void apply(Consumer<Transaction> build) {
        apply(transaction(), build);
    }

    private void apply(Transaction tx, Consumer<Transaction> build) {
        throw new UnsupportedOperationException("in progress");
    }

    /** Attempts the last commit took (1 unless the generation went stale). */
    public int lastAttempts() {
        return lastAttempts;
    }

    /** The ruleset generation id ({@code NFT_MSG_GETGEN}). */
    public int generation() {
        throw new UnsupportedOperationException("in progress");
    }

    /** Every table in the namespace (any owner), for diagnostics. */
    public List<TableRef> tables() {
        throw new UnsupportedOperationException("in progress");
    }

    /** The table with its sets, elements, chains and rules, or empty if it does not exist. */
    public Optional<Listing> list(TableRef table) {
        throw new UnsupportedOperationException("in progress");
    }

    /** The rules of a chain, in order, with handles and counters. */
    public List<Rule> rules(ChainRef chain) {
        throw new UnsupportedOperationException("in progress");
    }

    /** The elements of a set or map. */
    public List<Element> elements(NamedSet set) {
        throw new UnsupportedOperationException("in progress");
    }

    @Override
    public void close() {
        if (ownsSocket) socket.close();
    }
}
