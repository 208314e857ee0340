package org.nlbridge.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.monitor.HostMonitor.HostEvent;
import org.nlbridge.netns.NetNs;
import org.nlbridge.nft.Family;
import org.nlbridge.nft.Nft;
import org.nlbridge.nft.Table;
import org.nlbridge.nft.TableRef;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Inside;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * The monitor on a real namespace: what iproute2 and nft do there arrives as typed events (an nft transaction once,
 * with the committing process), and a flood into a tiny receive queue is reported as an overrun, never skipped.
 */
@ExtendWith(SandboxExtension.class)
class HostMonitorTest {

    private final List<HostEvent> seen = new ArrayList<>();
    /**
     * While set, the listener waits on it. The monitor delivers on its reading thread, so its socket is then not
     * read and the kernel's queue overflows whatever the machine's load: a flood is an overrun every time.
     */
    private volatile CountDownLatch gate;

    private void add(HostEvent e) {
        CountDownLatch g = gate;
        if (g != null) {
            try {
                g.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (seen) {
            seen.add(e);
            seen.notifyAll();
        }
    }

    private HostEvent await(Predicate<HostEvent> p, String what) {
        long end = System.currentTimeMillis() + 10_000; // a limit, not a wait: it returns as soon as the event is in
        synchronized (seen) {
            while (true) {
                for (HostEvent e : seen) if (p.test(e)) return e;
                long left = end - System.currentTimeMillis();
                if (left <= 0) throw new AssertionError("no " + what + " in " + seen);
                try {
                    seen.wait(left);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    @Test
    void linksAddressesRoutesAndNftCommitsArriveTyped(Sandbox sandbox) {
        Assumptions.assumeTrue(Host.has("nft"), "needs nft");
        String ns = sandbox.netns("mon");
        try (NetNs host = NetNs.open(ns); HostMonitor m = HostMonitor.start(host, HostMonitor.Options.DEFAULT, this::add)) {
            Cmd.run("link add va type veth peer name vb\nlink set va alias nlbridge:test\naddr add 10.1.0.1/24 dev va\n"
                    + "link set va up\nlink set vb up\nlink del va\n", "ip", "-n", ns, "-batch", "-");
            await(e -> e instanceof HostEvent.LinkChanged l && l.action() == HostMonitor.Action.NEW && l.link().name().equals("va"), "va created");
            await(e -> e instanceof HostEvent.AddressChanged a && !a.deleted() && "va".equals(a.ifname())
                    && a.address().address().toString().equals("10.1.0.1/24"), "address added on va");
            await(e -> e instanceof HostEvent.RouteChanged r && !r.deleted() && "va".equals(r.ifname()), "route on va");
            HostEvent del = await(e -> e instanceof HostEvent.LinkChanged l && l.action() == HostMonitor.Action.DELETE
                    && !l.bridgePort() && l.link().name().equals("va"), "va deleted");
            assertEquals("nlbridge:test", ((HostEvent.LinkChanged) del).link().alias(), "a deleted link still names its alias");

            Inside.run(ns, "nft", "add table inet foreign; add chain inet foreign c; flush ruleset");
            HostEvent.NftCommitted c = (HostEvent.NftCommitted) await(e -> e instanceof HostEvent.NftCommitted, "nft commit");
            assertFalse(c.own(), "nft is another process");
            assertEquals("nft", c.process());
            assertEquals(List.of("inet foreign"), c.tables().stream().map(HostMonitor.TableChange::name).toList());
            assertTrue(c.tables().getFirst().created() && c.tables().getFirst().deleted(), c.toString());
        }
    }

    @Test
    void ourOwnCommitIsOursAndNftsIsNot(Sandbox sandbox) {
        Assumptions.assumeTrue(Host.has("nft"), "needs nft");
        String ns = sandbox.netns("own");
        TableRef probe = TableRef.of(Family.INET, "probe");
        try (NetNs host = NetNs.open(ns); HostMonitor m = HostMonitor.start(host, HostMonitor.Options.DEFAULT, this::add);
             Nft nft = Nft.open(host, probe)) {
            nft.apply(tx -> tx.addTable(Table.of(probe)));
            HostEvent.NftCommitted c = (HostEvent.NftCommitted) await(e -> e instanceof HostEvent.NftCommitted n
                    && n.tables().stream().anyMatch(t -> t.name().equals("inet probe")), "our commit");
            assertTrue(c.own(), c.toString());
            Inside.run(ns, "nft", "add table inet foreign");
            c = (HostEvent.NftCommitted) await(e -> e instanceof HostEvent.NftCommitted n
                    && n.tables().stream().anyMatch(t -> t.name().equals("inet foreign")), "nft's commit");
            assertFalse(c.own(), c.toString());
        }
    }

    /**
     * A daemon in a PID namespace with its own /proc (as a sandboxed client runs it) still knows its own commits: the
     * kernel names the committing thread by its id in the initial PID namespace, which such a /proc does not show.
     */
    @Test
    void ourOwnCommitIsOursInsideAPidNamespaceWithItsOwnProc(Sandbox sandbox) {
        Assumptions.assumeTrue(Host.has("nft") && Host.has("unshare") && Host.has("nsenter"), "needs nft, unshare, nsenter");
        String ns = sandbox.netns("pidns");
        ProcessBuilder pb = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), OwnCommitProbe.class.getName(), ns);
        Cmd.Result r = Cmd.exec(pb, null, Duration.ofSeconds(180));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(List.of("pid 1", "own inet probe true", "own inet foreign false"), r.out().lines().toList(),
                r.out() + r.err());
    }

    @Test
    void aFloodIntoATinyQueueIsAnOverrun(Sandbox sandbox) {
        String ns = sandbox.netns("flood");
        try (NetNs host = NetNs.open(ns); HostMonitor m = HostMonitor.start(host, new HostMonitor.Options(1024), this::add)) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 100; i++) b.append("link add x").append(i).append(" type veth peer name y").append(i).append('\n');
            for (int i = 0; i < 100; i++) b.append("link del x").append(i).append('\n');
            flood(() -> Cmd.run(b.toString(), "ip", "-n", ns, "-batch", "-"));
            HostEvent.Overrun o = (HostEvent.Overrun) await(e -> e instanceof HostEvent.Overrun, "overrun");
            assertEquals("rtnetlink", o.source());
            assertTrue(o.reason().startsWith("ENOBUFS"), o.reason());
            // the flood's links are all gone; once the monitor has caught up (however long that takes on a loaded
            // machine), it names none of them: every overrun re-read the names, and nothing older came back after
            long end = System.currentTimeMillis() + 20_000;
            List<String> stale = flood(m);
            while (!stale.isEmpty() && System.currentTimeMillis() < end) {
                pause();
                stale = flood(m);
            }
            assertEquals(List.of(), stale, "names the monitor still gives links of the flood, all deleted");
            assertEquals("lo", m.linkName(1));
        }
    }

    @Test
    void everyOverrunIsFollowedByAReRead(Sandbox sandbox) {
        String ns = sandbox.netns("floods");
        try (NetNs host = NetNs.open(ns); HostMonitor m = HostMonitor.start(host, new HostMonitor.Options(1024), this::add)) {
            for (int round = 0; round < 2; round++) {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < 60; i++) b.append("link add x").append(i).append(" type veth peer name y").append(i).append('\n');
                for (int i = 0; i < 60; i++) b.append("link del x").append(i).append('\n');
                flood(() -> Cmd.run(b.toString(), "ip", "-n", ns, "-batch", "-"));
                int overruns = round + 1;
                await(e -> count(HostEvent.Overrun.class) >= overruns, "overrun " + overruns);
                // a link made after the overrun is known to the monitor: by its event, or, when the flood's tail (still
                // arriving on a loaded machine) overran the tiny queue again and took the event along, by the re-read
                // that overrun was followed by
                Cmd.run(null, "ip", "-n", ns, "link", "add", "after" + round, "type", "veth", "peer", "name", "peer" + round);
                String name = "after" + round;
                int index = org.nlbridge.testing.Oracle.link(ns, name).path("ifindex").asInt();
                long end = System.nanoTime() + 60_000_000_000L;
                while (!name.equals(m.linkName(index)) && System.nanoTime() < end) pause();
                assertEquals(name, m.linkName(index), "the monitor knows " + name + ": " + seen);
            }
            long end = System.currentTimeMillis() + 20_000;
            while (!flood(m).isEmpty() && System.currentTimeMillis() < end) pause();
            assertEquals(List.of(), flood(m), "the second overrun's re-read too left no name of a deleted link");
        }
    }

    /** Runs a flood of changes while the monitor's reading thread is held in the listener, then lets it go. */
    private void flood(Runnable changes) {
        CountDownLatch g = new CountDownLatch(1);
        gate = g;
        try {
            changes.run();
        } finally {
            gate = null;
            g.countDown();
        }
    }

    private int count(Class<?> type) {
        synchronized (seen) {
            return (int) seen.stream().filter(type::isInstance).count();
        }
    }

    /** Names of the flood's links (x*, y*) the monitor still knows, by the indexes a fresh namespace gives them. */
    private static List<String> flood(HostMonitor m) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < 1000; i++) {
            String n = m.linkName(i);
            if (n != null && n.matches("[xy][0-9]+")) out.add(n);
        }
        return out;
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
