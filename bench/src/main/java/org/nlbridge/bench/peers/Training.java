package org.nlbridge.bench.peers;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nlbridge.netns.NetNs;

/**
 * The training run behind the class-data cache ({@code peers-engine train}): both scenarios and their variants on a
 * few containers, in anonymous namespaces of its own (nothing is mounted, everything vanishes with the handles), so
 * the cache written at its exit holds every class a real run loads, and a real run starts from it.
 */
final class Training {
    private static final int N = 4;

    private Training() {}

    static void run() throws Exception {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        Phases phases = new Phases(quiet, System.nanoTime());
        attach(phases, Map.of("PB_ENGINE_FULL", "1"), false, true, Attach.Order.UP_IN_CREATE);
        attach(phases, Map.of(), false, true, Attach.Order.LATE_UP);
        attach(phases, Map.of(), true, false, Attach.Order.UP_IN_CREATE);
        // enough ports for the transaction to outgrow its first buffer, so the growth path's classes are cached too
        firewall(phases, PublishedPorts.Mode.MAP, 3_000);
        firewall(phases, PublishedPorts.Mode.RULES, N);
    }

    private static void attach(Phases phases, Map<String, String> extra, boolean viaRtnl, boolean rawHost,
            Attach.Order order) throws Exception {
        List<NetNs> held = new ArrayList<>();
        try {
            Map<String, NetNs> byName = new HashMap<>();
            byName.put("train-host", hold(held));
            for (int i = 1; i <= N; i++) byName.put("train-c-" + i, hold(held));
            Map<String, String> env = new HashMap<>(extra);
            env.put("PB_N", Integer.toString(N));
            env.put("PB_HOST_NS", "train-host");
            env.put("PB_CT_PREFIX", "train-c-");
            Attach a = new Attach(PeersEnv.read("attach", env), phases, viaRtnl, rawHost, order, reopen(byName));
            NsHopper.run(h -> {
                a.run(h);
                return null;
            });
        } finally {
            held.forEach(NetNs::close);
        }
    }

    private static void firewall(Phases phases, PublishedPorts.Mode mode, int n) throws Exception {
        try (NetNs fw = NetNs.createAnonymous()) {
            Map<String, String> env = Map.of("PB_N", Integer.toString(n), "PB_FW_NS", "train-fw");
            Firewall f = new Firewall(PeersEnv.read("firewall", env), phases, mode, reopen(Map.of("train-fw", fw)));
            NsHopper.run(h -> {
                f.run(h);
                return null;
            });
        }
    }

    private static NetNs hold(List<NetNs> held) {
        NetNs ns = NetNs.createAnonymous();
        held.add(ns);
        return ns;
    }

    /**
     * A fresh handle on one of ours each time, as the named source opens /run/netns/NAME afresh, after the same name
     * check (so that the cache holds the classes it loads: one class read from its jar costs opening the jar).
     */
    private static NsSource reopen(Map<String, NetNs> byName) {
        return name -> {
            NetNs.validName("netns", name);
            return NetNs.openPath(Path.of("/proc/self/fd/" + byName.get(name).fd()));
        };
    }
}
