package org.nlbridge.bench.peers;

import java.util.List;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.netlink.NlSocket;
import org.nlbridge.netns.NetNs;
import org.nlbridge.nft.Nft;
import org.nlbridge.nft.Transaction;

/**
 * The harness's {@code firewall} scenario: N published ports, entry {@code i} mapping host port
 * {@code PB_PORT_BASE+i} to {@code ip_of(i+1):PB_CT_PORT}, with its forward accept, in the engine's own table
 * {@code ip nlbridge}, all in one nftables transaction ({@link PublishedPorts}: one map element and one set element
 * per port, or with {@code PB_ENGINE_FW=rules} two linear rules per port, for the packet-path comparison).
 */
final class Firewall {
    /**
     * Linear rules go in transactions of at most this many operations: a transaction must fit one {@code sendmsg},
     * and the engine's socket sends at most {@code SO_SNDBUF} (2 MiB; about 4,400 DNAT or accept rules), where nft
     * raises {@code SO_SNDBUF} to the batch's size first. Only the comparison variant needs this; the map holds
     * 10,000 ports in 0.8 MB.
     */
    static final int RULES_PER_TRANSACTION = 4000;

    private final PeersEnv env;
    private final Phases phases;
    private final PublishedPorts.Mode mode;
    private final NsSource namespaces;

    Firewall(PeersEnv env, Phases phases, PublishedPorts.Mode mode, NsSource namespaces) {
        this.env = env;
        this.phases = phases;
        this.mode = mode;
        this.namespaces = namespaces;
    }

    void run(NsHopper hopper) {
        phases.since("init", phases.mainStart); // to here: JVM classes, the native calls linked (Sys), this thread
        try (NetNs ns = namespaces.open(env.fwNs());
             NlSocket socket = hopper.openSocket(ns, Uapi.NETLINK_NETFILTER());
             Nft nft = Nft.over(socket, List.of(PublishedPorts.TABLE))) {
            hopper.goHome();
            phases.since("engine_open", phases.mainStart);

            long[] cpu0 = phases.threadMark();
            long t1 = System.nanoTime();
            PublishedPorts pp = new PublishedPorts(mode, env.bridge(), env.ctPort());
            Transaction tx = nft.transaction();
            pp.create(tx, null);
            int commits = 0;
            for (int i = 0; i < env.n(); i++) {
                pp.publish(tx, env.portBase() + i, env.ipOf(i + 1));
                if (mode == PublishedPorts.Mode.RULES && tx.size() >= RULES_PER_TRANSACTION) {
                    nft.commit(tx);
                    tx.clear();
                    commits++;
                }
            }
            phases.since("encode", t1);
            long t2 = System.nanoTime();
            nft.commit(tx);
            phases.since("commit", t2);
            if (commits > 0) phases.print("transactions", commits + 1);
            phases.since("netlink", t1);
            phases.cpuSince("netlink", cpu0);
        }
    }
}
