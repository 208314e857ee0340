package org.nlbridge.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.LinkView;
import org.nlbridge.rtnl.LinkVisitor;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.rtnl.RtnlBatch;
import org.nlbridge.rtnl.VethSpec;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/** {@link Dump} against a real kernel whose link table changes under it. */
@ExtendWith(SandboxExtension.class)
class DumpKernelTest {
    static final int STATIC_PAIRS = 150;
    static final int CHURN_PAIRS = 400;

    /** Collects names, forgetting them when the dump restarts, and counts restarts. */
    static final class Names implements LinkVisitor {
        final Set<String> names = new HashSet<>();
        int delivered;
        int restarts;

        @Override
        public void link(LinkView link) {
            names.add(link.name());
            delivered++;
        }

        @Override
        public void restart() {
            names.clear();
            delivered = 0;
            restarts++;
        }
    }

    @Test
    void linkDumpUnderChurnSucceedsConsistentlyOrSaysItWasInterrupted(Sandbox sb) throws Exception {
        String name = sb.netns("h");
        try (NetNs ns = NetNs.open(name); Rtnl rtnl = Rtnl.open(ns); Rtnl churner = Rtnl.open(ns)) {
            RtnlBatch b = rtnl.batch();
            for (int i = 0; i < STATIC_PAIRS; i++) b.links().add(VethSpec.builder("s" + i, "sp" + i).build());
            b.execute().throwIfFailed();

            // a second socket in the same namespace creates links one by one while we dump
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger created = new AtomicInteger();
            AtomicReference<Throwable> churnFailure = new AtomicReference<>();
            Thread churn = Thread.ofPlatform().name("churn").start(() -> {
                try {
                    for (int i = 0; i < CHURN_PAIRS && !stop.get(); i++) {
                        churner.links().add(VethSpec.builder("c" + i, "cp" + i).build());
                        created.incrementAndGet();
                    }
                } catch (Throwable e) {
                    churnFailure.set(e);
                }
            });

            int clean = 0;
            int interrupted = 0;
            int restarts = 0;
            try {
                while (churn.isAlive()) {
                    Names seen = new Names();
                    try {
                        int n = rtnl.links().dump(seen);
                        clean++;
                        // a clean dump is a consistent snapshot: every static link, each once
                        assertEquals(n, seen.delivered);
                        assertEquals(n, seen.names.size(), "no link delivered twice");
                        for (int i = 0; i < STATIC_PAIRS; i++) {
                            assertTrue(seen.names.contains("s" + i) && seen.names.contains("sp" + i), "s" + i);
                        }
                    } catch (DumpInterruptedException e) {
                        interrupted++;
                        assertEquals("RTM_GETLINK links: EINTR (Interrupted system call): the dump was interrupted by"
                                + " concurrent changes " + Dump.DEFAULT_ATTEMPTS + " times in a row", e.getMessage());
                    }
                    restarts += seen.restarts;
                }
            } finally {
                stop.set(true);
                churn.join();
            }
            if (churnFailure.get() != null) throw new AssertionError("churn failed", churnFailure.get());
            System.out.printf("DumpKernelTest: %d links created during %d clean dumps, %d interrupted dumps, %d restarts%n",
                    created.get(), clean, interrupted, restarts);
            assertEquals(CHURN_PAIRS, created.get());
            // the point of the test: the kernel did flag dumps as interrupted (NLM_F_DUMP_INTR), and they were redone
            assertTrue(restarts + interrupted > 0, "no dump was interrupted: " + clean + " clean dumps while "
                    + created.get() + " links were made; the restart path went untested");

            // quiet again: a dump succeeds and agrees with iproute2
            Names after = new Names();
            rtnl.links().dump(after);
            Set<String> ip = new TreeSet<>();
            for (JsonNode l : Oracle.ip(name, "link", "show")) ip.add(l.path("ifname").asText());
            assertEquals(ip, new TreeSet<>(after.names));
            assertEquals(1 + 2 * (STATIC_PAIRS + CHURN_PAIRS), after.names.size());
        }
    }
}
