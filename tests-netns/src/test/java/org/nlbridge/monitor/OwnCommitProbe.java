package org.nlbridge.monitor;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.nlbridge.monitor.HostMonitor.HostEvent;
import org.nlbridge.netns.NetNs;
import org.nlbridge.nft.Family;
import org.nlbridge.nft.Nft;
import org.nlbridge.nft.Table;
import org.nlbridge.nft.TableRef;

/**
 * A process of its own for {@link HostMonitorTest}, run in a PID namespace with its own /proc (as a sandboxed client
 * runs a daemon): monitors a namespace, commits a table through the engine, has {@code nft} commit another, and
 * prints its pid as it sees it and, for each commit, whether the monitor called it its own:
 * {@code pid N}, {@code own TABLE true|false}.
 */
public final class OwnCommitProbe {

    public static void main(String[] args) throws Exception {
        String ns = args[0];
        BlockingQueue<HostEvent.NftCommitted> commits = new LinkedBlockingQueue<>();
        System.out.println("pid " + ProcessHandle.current().pid());
        try (NetNs host = NetNs.open(ns);
             HostMonitor m = HostMonitor.start(host, HostMonitor.Options.DEFAULT, e -> {
                 if (e instanceof HostEvent.NftCommitted c) commits.add(c);
             });
             Nft nft = Nft.open(host, TableRef.of(Family.INET, "probe"))) {
            nft.apply(tx -> tx.addTable(Table.of(TableRef.of(Family.INET, "probe"))));
            report(commits, "inet probe");
            Process p = new ProcessBuilder("nsenter", "--net=" + NetNs.pathOf(ns), "nft", "add", "table", "inet", "foreign")
                    .inheritIO().start();
            if (p.waitFor() != 0) throw new IllegalStateException("nft exited " + p.exitValue());
            report(commits, "inet foreign");
        }
    }

    private static void report(BlockingQueue<HostEvent.NftCommitted> commits, String table) throws InterruptedException {
        while (true) {
            HostEvent.NftCommitted c = commits.poll(60, TimeUnit.SECONDS);
            if (c == null) throw new IllegalStateException("no commit of " + table + " within 60 s");
            if (c.tables().stream().anyMatch(t -> t.name().equals(table))) {
                System.out.println("own " + table + " " + c.own());
                return;
            }
        }
    }
}
