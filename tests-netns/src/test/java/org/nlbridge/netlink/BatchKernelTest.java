package org.nlbridge.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.bindings.sys.Sys;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.AddressSpec;
import org.nlbridge.rtnl.BridgeSpec;
import org.nlbridge.rtnl.DummySpec;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.rtnl.RtnlBatch;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/** {@link Batch} against a real kernel: receive-queue overflow and a refusal in the middle of a batch. */
@ExtendWith(SandboxExtension.class)
class BatchKernelTest {
    static final int ADDRESSES = 2000;

    private static String address(int i) {
        return "10.100." + (i / 250) + "." + (i % 250 + 1);
    }

    /** Every IPv4 address {@code ip -j} shows on {@code dev}. */
    private static Set<String> ipAddresses(String ns, String dev) {
        Set<String> out = new HashSet<>();
        for (JsonNode l : Oracle.ip(ns, "-4", "addr", "show", "dev", dev)) {
            for (JsonNode a : l.path("addr_info")) out.add(a.path("local").asText());
        }
        return out;
    }

    /** Opens a NETLINK_ROUTE socket in {@code ns}, lets {@code tune} shrink it, and wraps it in a handle. */
    private static Rtnl handle(NetNs ns, java.util.function.Consumer<NlSocket> tune) {
        NlSocket s = ns.openSocket(Uapi.NETLINK_ROUTE());
        try {
            tune.accept(s);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return Rtnl.over(s);
    }

    private static List<AddressSpec> queueAddresses(Rtnl rtnl, int ifindex) {
        RtnlBatch b = rtnl.batch();
        List<AddressSpec> specs = new ArrayList<>();
        for (int i = 0; i < ADDRESSES; i++) {
            AddressSpec a = AddressSpec.of(ifindex, address(i) + "/32");
            specs.add(a);
            b.addresses().add(a);
        }
        return specs;
    }

    /**
     * A small receive queue whose size the batch knows: it sends no more requests at a time than the queue has room
     * for acks, so all 2000 are acknowledged.
     */
    @Test
    void smallReceiveBufferBudgetedFor(Sandbox sb) {
        String name = sb.netns("h");
        try (NetNs ns = NetNs.open(name); Rtnl rtnl = handle(ns, s -> s.receiveBuffer(32 * 1024))) {
            rtnl.links().add(BridgeSpec.named("br0"));
            int br = rtnl.links().get("br0").index();
            queueAddresses(rtnl, br);
            BatchResult r = rtnl.batch().execute();
            assertTrue(r.ok(), r.toString());
            assertEquals(ADDRESSES, r.succeeded());
            Set<String> ip = ipAddresses(name, "br0");
            for (int i = 0; i < ADDRESSES; i++) assertTrue(ip.contains(address(i)), address(i));
        }
    }

    /**
     * A receive queue shrunk behind the batch's back (its budget says 16 MiB, the queue holds a few acks): the kernel
     * drops acks and says ENOBUFS. Every request is then either acknowledged, and present, or reported as
     * OutcomeUnknownException; none is a false success. The socket stays usable.
     */
    @Test
    void overflowedAcksAreUnknownNeverFalseSuccesses(Sandbox sb) {
        String name = sb.netns("h");
        try (NetNs ns = NetNs.open(name);
                Rtnl rtnl = handle(ns, s -> Sys.check(Sys.setsockopt(s.fd(), LibC.SOL_SOCKET(), LibC.SO_RCVBUFFORCE(),
                        4096), "setsockopt(SO_RCVBUFFORCE)"))) {
            rtnl.links().add(BridgeSpec.named("br0"));
            int br = rtnl.links().get("br0").index();
            List<AddressSpec> specs = queueAddresses(rtnl, br);
            BatchResult r = rtnl.batch().execute();

            assertEquals(ADDRESSES, r.requests());
            assertTrue(r.unknown() > 0, "the shrunk queue overflowed: " + r);
            assertEquals(ADDRESSES, r.succeeded() + r.unknown(), r.toString());
            Map<Object, NetlinkException> failed = new IdentityHashMap<>();
            for (NetlinkException e : r.failures()) {
                assertInstanceOf(OutcomeUnknownException.class, e, e.getMessage());
                assertEquals(LibC.ENOBUFS(), e.errno());
                assertTrue(e.getMessage().endsWith("re-dump and reconcile"), e.getMessage());
                failed.put(e.object(), e);
            }
            Set<String> ip = ipAddresses(name, "br0");
            int unknownButApplied = 0;
            for (AddressSpec a : specs) {
                String local = a.address().address().toString();
                if (!failed.containsKey(a)) {
                    assertTrue(ip.contains(local), "reported applied, so present: " + local);
                } else if (ip.contains(local)) {
                    unknownButApplied++;
                }
            }
            System.out.printf("BatchKernelTest: %s; %d of the unknown ones were in fact applied%n", r, unknownButApplied);

            // the queue was drained: the next request on this socket gets its own ack
            rtnl.addresses().add(AddressSpec.of(br, "10.200.0.1/32"));
            assertTrue(ipAddresses(name, "br0").contains("10.200.0.1"));
        }
    }

    @Test
    void refusalInTheMiddleOfABatchNamesItsRequestAndTheKernelsText(Sandbox sb) {
        String name = sb.netns("h");
        try (NetNs ns = NetNs.open(name); Rtnl rtnl = Rtnl.open(ns)) {
            rtnl.links().add(BridgeSpec.named("br0"));
            int br0 = rtnl.links().get("br0").index();
            RtnlBatch b = rtnl.batch();
            b.links().add(BridgeSpec.named("okA"));
            b.links().add(BridgeSpec.named("okB"));
            b.links().setMaster("okB", br0); // a bridge into a bridge: refused
            DummySpec dummy = DummySpec.builder("d0").build();
            b.links().add(dummy); // refused where the kernel has no dummy driver
            BridgeSpec okC = BridgeSpec.named("okC");
            b.links().add(okC);
            BatchResult r = b.execute();

            assertEquals(5, r.requests());
            NetlinkException loop = r.failures().get(0);
            assertEquals(LibC.ELOOP(), loop.errno());
            assertEquals("Can not enslave a bridge to a bridge", loop.extack());
            assertEquals("RTM_NEWLINK link okB (master #" + br0 + "): ELOOP (Too many levels of symbolic links): kernel"
                    + " says \"Can not enslave a bridge to a bridge\"", loop.getMessage());
            if (r.failures().size() == 2) {
                NetlinkException unknownKind = r.failures().get(1);
                assertSame(dummy, unknownKind.object());
                assertEquals(LibC.EOPNOTSUPP(), unknownKind.errno());
                assertEquals("Unknown device type", unknownKind.extack());
                assertEquals(3, r.succeeded());
            } else {
                assertEquals(1, r.failures().size());
                assertEquals(4, r.succeeded());
            }
            // the requests after the refusals were applied; the refused change was not
            assertNotNull(Oracle.link(name, "okA"));
            assertNotNull(Oracle.link(name, "okC"));
            assertTrue(Oracle.link(name, "okB").path("master").isMissingNode());
        }
    }
}
