package org.nlbridge.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.monitor.HostMonitor.HostEvent;
import org.nlbridge.netns.NetNs;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * The monitor on a real namespace: what iproute2 and nft do there arrives as typed events (an nft transaction once,
 * with the committing process), and a flood into a tiny receive queue is reported as an overrun, never skipped.
 */
@ExtendWith(SandboxExtension.class)
class HostMonitorTest {

    private final List<HostEvent> seen = new ArrayList<>();

    private void add(HostEvent e) {
        synchronized (seen) {
            seen.add(e);
            seen.notifyAll();
        }
    }

    private HostEvent await(Predicate<HostEvent> p, String what) {
        long end = System.currentTimeMillis() + 3000;
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

            Cmd.run(null, "ip", "netns", "exec", ns, "nft", "add table inet foreign; add chain inet foreign c; flush ruleset");
            HostEvent.NftCommitted c = (HostEvent.NftCommitted) await(e -> e instanceof HostEvent.NftCommitted, "nft commit");
            assertFalse(c.own(), "nft is another process");
            assertEquals("nft", c.process());
            assertEquals(List.of("inet foreign"), c.tables().stream().map(HostMonitor.TableChange::name).toList());
            assertTrue(c.tables().getFirst().created() && c.tables().getFirst().deleted(), c.toString());
        }
    }

    @Test
    void aFloodIntoATinyQueueIsAnOverrun(Sandbox sandbox) {
        String ns = sandbox.netns("flood");
        try (NetNs host = NetNs.open(ns); HostMonitor m = HostMonitor.start(host, new HostMonitor.Options(1024), this::add)) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 100; i++) b.append("link add x").append(i).append(" type veth peer name y").append(i).append('\n');
            for (int i = 0; i < 100; i++) b.append("link del x").append(i).append('\n');
            Cmd.run(b.toString(), "ip", "-n", ns, "-batch", "-");
            HostEvent.Overrun o = (HostEvent.Overrun) await(e -> e instanceof HostEvent.Overrun, "overrun");
            assertEquals("rtnetlink", o.source());
            assertTrue(o.reason().startsWith("ENOBUFS"), o.reason());
            try {
                Thread.sleep(500); // let the monitor catch up with the end of the flood
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertEquals(null, m.linkName(2), "after the overrun the names were re-read: the flood's links are gone");
        }
    }
}
