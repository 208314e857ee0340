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
            // one transaction, as nft -f: the linear-rules variant's 10,000 ports are ~4.5 MB, for which the
            // transaction raises the socket's send buffer (SO_SNDBUFFORCE) as nft raises its own
            for (int i = 0; i < env.n(); i++) pp.publish(tx, env.portBase() + i, env.ipOf(i + 1));
            phases.since("encode", t1);
            long t2 = System.nanoTime();
            nft.commit(tx);
            phases.since("commit", t2);
            phases.since("netlink", t1);
            phases.cpuSince("netlink", cpu0);
        }
    }
}
