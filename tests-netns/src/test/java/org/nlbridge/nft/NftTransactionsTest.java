package org.nlbridge.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netlink.NetlinkException;
import org.nlbridge.netlink.NoSuchObjectException;
import org.nlbridge.netns.NetNs;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/** Atomicity, generation retries, rule positions, bulk elements and refusals, against the real kernel. */
@ExtendWith(SandboxExtension.class)
class NftTransactionsTest {
    static final TableRef T = TableRef.of(Family.IP, "nlbridge");

    static String nft(String ns, String... args) {
        String[] argv = new String[args.length + 4];
        argv[0] = "ip";
        argv[1] = "netns";
        argv[2] = "exec";
        argv[3] = ns;
        System.arraycopy(args, 0, argv, 4, args.length);
        return Cmd.run(null, argv);
    }

    /** Everything in {@code nft -j list ruleset} but the metainfo object. */
    static int objects(String ns) {
        int n = 0;
        for (JsonNode o : Oracle.nft(ns).path("nftables")) {
            if (!o.has("metainfo")) n++;
        }
        return n;
    }

    static Ipv4Address v4(String s) {
        return Ipv4Address.parse("test", s);
    }

    @Test
    void aTransactionWhoseLastMessageFailsLeavesNothing(Sandbox sb) {
        String ns = sb.netns("atomic");
        NamedSet map = NamedSet.map(T.set("hostports"), KeyType.of(FieldType.INET_PROTO, FieldType.IPV4_ADDR,
                FieldType.INET_SERVICE), KeyType.of(FieldType.IPV4_ADDR, FieldType.INET_SERVICE));
        Chain pre = Chain.base(T.chain("pre"), ChainType.NAT, Hook.PREROUTING, Priority.DSTNAT, Policy.ACCEPT);
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, T)) {
            int gen = nft.generation();
            Transaction tx = nft.transaction();
            tx.addTable(Table.of(T)).addSet(map).addChain(pre);
            tx.add(Rule.in(pre).dnatMap(map, Selector.L4PROTO, Selector.IP_DADDR, Selector.TH_DPORT));
            tx.addElements(map).add(IpProtocol.TCP, v4("10.0.0.1"), 8080, v4("172.17.0.2"), 80);
            tx.deleteChain(T.chain("does-not-exist")); // the last message: the kernel refuses it
            NetlinkException e = assertThrows(NetlinkException.class, () -> nft.commit(tx));
            assertInstanceOf(NoSuchObjectException.class, e);
            assertEquals(LibC.ENOENT(), e.errno());
            assertEquals("NFT_MSG_DELCHAIN", e.operation());
            assertTrue(e.getMessage().startsWith("NFT_MSG_DELCHAIN delete chain ip nlbridge does-not-exist: ENOENT"),
                    e.getMessage());
            assertEquals(0, objects(ns), "nothing of the earlier messages landed");
            assertEquals(gen, nft.generation(), "no generation was committed");
            assertFalse(nft.exists(T));
        }
    }

    @Test
    void aRuleRefusedMidwayNamesItselfAndAbortsAll(Sandbox sb) {
        String ns = sb.netns("midway");
        Chain fwd = Chain.base(T.chain("fwd"), ChainType.FILTER, Hook.FORWARD, Priority.FILTER, Policy.ACCEPT);
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, T)) {
            NetlinkException e = assertThrows(NetlinkException.class, () -> nft.apply(tx -> {
                tx.addTable(Table.of(T)).addChain(fwd);
                tx.add(Rule.in(fwd).iifname("br0").accept());
                tx.add(Rule.in(fwd).jump("missing").comment("to nowhere"));
                tx.add(Rule.in(fwd).drop());
            }));
            assertEquals("NFT_MSG_NEWRULE add rule in chain ip nlbridge fwd: jump missing comment \"to nowhere\": "
                    + "ENOENT (No such file or directory): the kernel points at byte "
                    + e.getMessage().replaceAll(".* byte ([0-9]+) .*", "$1") + " of the request", e.getMessage());
            assertEquals(0, objects(ns));
        }
    }

    /**
     * Reference section 2c, EBUSY verified: deleting a chain a rule still jumps to is refused by the kernel with EBUSY,
     * the error names the chain, and nothing of the transaction is applied (the element added with it neither); the
     * fixed order (the rule first, then the chain) in one transaction goes through.
     */
    @Test
    void aChainStillJumpedToIsBusyNamedAndNothingOfItsTransactionApplies(Sandbox sb) {
        String ns = sb.netns("ebusy");
        Chain fwd = Chain.base(T.chain("fwd"), ChainType.FILTER, Hook.FORWARD, Priority.FILTER, Policy.ACCEPT);
        Chain target = Chain.regular(T.chain("target"));
        NamedSet ports = NamedSet.set(T.set("ports"), KeyType.of(FieldType.INET_SERVICE));
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, T)) {
            nft.apply(tx -> {
                tx.addTable(Table.of(T)).addChain(fwd).addChain(target).addSet(ports);
                tx.add(Rule.in(fwd).jump("target"));
            });
            int before = objects(ns);
            NetlinkException e = assertThrows(NetlinkException.class, () -> nft.apply(tx -> {
                tx.addElements(ports).add(80);
                tx.destroyChain(T.chain("target"));
            }));
            assertEquals(LibC.EBUSY(), e.errno(), e.getMessage());
            assertTrue(e.getMessage().contains("target") && e.getMessage().contains("EBUSY"), e.getMessage());
            assertEquals(before, objects(ns), "nothing of the refused transaction");
            assertEquals("[]", nft.elements(ports).toString());
            long handle = nft.rules(T.chain("fwd")).getFirst().handle();
            nft.apply(tx -> {
                tx.deleteRule(T.chain("fwd"), handle);
                tx.destroyChain(T.chain("target"));
            });
            assertEquals(before - 2, objects(ns), "the rule, then the chain");
            assertFalse(nft(ns, "nft", "list", "table", "ip", "nlbridge").contains("chain target"));
        }
    }

    @Test
    void aStaleGenerationIsReReadAndRetried(Sandbox sb) {
        String ns = sb.netns("genid");
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, T)) {
            int[] calls = {0};
            nft.apply(tx -> {
                if (calls[0]++ == 0) {
                    // someone else commits between our GETGEN and our commit
                    nft(ns, "nft", "add", "table", "ip", "someone-else");
                }
                tx.addTable(Table.of(T)).addChain(Chain.regular(T.chain("c")));
            });
            assertEquals(2, calls[0], "the transaction was rebuilt once");
            assertEquals(2, nft.lastAttempts());
            assertTrue(nft.exists(T));
            assertTrue(nft.tables().contains(TableRef.of(Family.IP, "someone-else")));
        }
    }

    @Test
    void aGenerationThatKeepsChangingGivesUpWithNothingApplied(Sandbox sb) {
        String ns = sb.netns("genid2");
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, T)) {
            int[] calls = {0};
            NetlinkException e = assertThrows(NetlinkException.class, () -> nft.apply(tx -> {
                nft(ns, "nft", "add", "table", "ip", "churn" + calls[0]++);
                tx.addTable(Table.of(T));
            }));
            assertEquals(LibC.ERESTART(), e.errno());
            assertEquals(Nft.MAX_ATTEMPTS, calls[0]);
            assertTrue(e.getMessage().contains("the ruleset generation changed before each of 5 attempts"), e.getMessage());
            assertFalse(nft.exists(T));
        }
    }

    @Test
    void rulesAreInsertedReplacedAndDeletedByHandle(Sandbox sb) {
        String ns = sb.netns("handles");
        ChainRef c = T.chain("c");
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, T)) {
            nft.apply(tx -> {
                tx.addTable(Table.of(T)).addChain(Chain.regular(c));
                tx.add(Rule.in(c).metaMark(1).comment("A"));
                tx.add(Rule.in(c).metaMark(2).comment("B"));
            });
            List<Rule> rules = nft.rules(c);
            long a = rules.get(0).handle();
            long b = rules.get(1).handle();
            assertTrue(a > 0 && b > 0 && a != b);
            nft.apply(tx -> {
                tx.insert(Rule.in(c).metaMark(0).comment("first").build());
                tx.addAfter(a, Rule.in(c).metaMark(11).comment("after A").build());
                tx.insertBefore(b, Rule.in(c).metaMark(12).comment("before B").build());
                tx.replace(b, Rule.in(c).metaMark(22).comment("B replaced").build());
                tx.add(Rule.in(c).metaMark(3).comment("last"));
            });
            assertEquals(List.of("first", "A", "after A", "before B", "B replaced", "last"),
                    nft.rules(c).stream().map(Rule::comment).toList());
            nft.apply(tx -> tx.deleteRule(c, a));
            assertEquals(List.of("first", "after A", "before B", "B replaced", "last"),
                    nft.rules(c).stream().map(Rule::comment).toList());
            // the oracle agrees on text and order
            String listed = nft(ns, "nft", "list", "chain", "ip", "nlbridge", "c");
            assertTrue(listed.contains("""
                    \t\tmeta mark 0x00000000 comment "first"
                    \t\tmeta mark 0x0000000b comment "after A"
                    \t\tmeta mark 0x0000000c comment "before B"
                    \t\tmeta mark 0x00000016 comment "B replaced"
                    \t\tmeta mark 0x00000003 comment "last"
                    """), listed);
            nft.apply(tx -> tx.flushChain(c));
            assertEquals(List.of(), nft.rules(c));
            nft.apply(tx -> tx.deleteChain(c));
            assertTrue(nft.list(T).orElseThrow().chains().isEmpty());
            nft.apply(tx -> tx.deleteTable(T));
            assertFalse(nft.exists(T));
            assertEquals(0, objects(ns));
        }
    }

    @Test
    void elementsAreAddedAndDeletedWithOtherChangesInOneTransaction(Sandbox sb) {
        String ns = sb.netns("elements");
        NamedSet jumps = NamedSet.verdictMap(T.set("jumps"), KeyType.of(FieldType.IFNAME));
        NamedSet nets = NamedSet.intervalSet(T.set("nets"), FieldType.IPV4_ADDR);
        Chain fwd = Chain.base(T.chain("fwd"), ChainType.FILTER, Hook.FORWARD, Priority.FILTER, Policy.ACCEPT);
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, T)) {
            nft.apply(tx -> {
                tx.addTable(Table.of(T)).addSet(jumps).addSet(nets).addChain(fwd);
                tx.addChain(Chain.regular(T.chain("in__br0")));
                tx.add(Rule.in(fwd).vmap(jumps, Selector.OIFNAME));
                tx.addElements(jumps).key("br0").verdict(Verdict.jump("in__br0")).add();
                tx.addElements(nets).prefix(org.nlbridge.net.Cidr.parseSubnet("n", "10.0.0.0/8")).add()
                        .key(v4("192.168.1.1")).add();
            });
            // one transaction: a new chain, its jump element, and the old element gone
            nft.apply(tx -> {
                tx.addChain(Chain.regular(T.chain("in__br1")));
                tx.addElements(jumps).key("br1").verdict(Verdict.jump("in__br1")).add();
                tx.deleteElements(jumps).key("br0").add();
                tx.deleteChain(T.chain("in__br0"));
                tx.deleteElements(nets).key(v4("192.168.1.1")).add();
            });
            Listing l = nft.list(T).orElseThrow();
            assertEquals("[\"br1\" : jump in__br1]", l.set("jumps").orElseThrow().elements().toString());
            assertEquals("[10.0.0.0/8]", l.set("nets").orElseThrow().elements().toString());
            assertTrue(l.chain("in__br0").isEmpty());
            nft.apply(tx -> tx.flushSet(nets.ref()));
            assertEquals(List.of(), nft.elements(nets));
            // deleting an absent element aborts the transaction it is in
            NetlinkException e = assertThrows(NetlinkException.class, () -> nft.apply(tx -> {
                tx.addElements(nets).key(v4("1.1.1.1")).add();
                tx.deleteElements(jumps).key("nope0").add();
            }));
            assertTrue(e.getMessage().startsWith("NFT_MSG_DELSETELEM delete element 1 of map ip nlbridge jumps (first: \"nope0\"): ENOENT"),
                    e.getMessage());
            assertEquals(List.of(), nft.elements(nets));
        }
    }

    @Test
    void aThousandElementMapInOneTransactionReadsBack(Sandbox sb) {
        String ns = sb.netns("bulk");
        NamedSet map = NamedSet.map(T.set("hostports"), KeyType.of(FieldType.INET_PROTO, FieldType.IPV4_ADDR,
                FieldType.INET_SERVICE), KeyType.of(FieldType.IPV4_ADDR, FieldType.INET_SERVICE));
        Ipv4Address host = v4("10.0.0.1");
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, T)) {
            long t0 = System.nanoTime();
            nft.apply(tx -> {
                tx.addTable(Table.of(T)).addSet(map);
                ElementWriter w = tx.addElements(map);
                for (int i = 0; i < 1000; i++) {
                    w.key(i % 2 == 0 ? IpProtocol.TCP : IpProtocol.UDP).key(host).key(10000 + i)
                            .value(Ipv4Address.of(0xac110000 | (i + 2))).value(80).add();
                }
            });
            long t1 = System.nanoTime();
            List<Element> back = nft.elements(map);
            long t2 = System.nanoTime();
            System.out.printf("1000 map elements: commit %.1f ms, read back %.1f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
            assertEquals(1000, back.size());
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                expected.add((i % 2 == 0 ? "tcp" : "udp") + " . 10.0.0.1 . " + (10000 + i) + " : "
                        + Ipv4Address.of(0xac110000 | (i + 2)) + " . 80");
            }
            Set<String> got = new HashSet<>();
            for (Element e : back) got.add(e.toString());
            assertEquals(expected, got);
            // the oracle counts them too
            JsonNode map0 = null;
            for (JsonNode o : Oracle.nft(ns).path("nftables")) {
                if (o.has("map")) map0 = o.path("map");
            }
            assertEquals(1000, map0.path("elem").size());
        }
    }

    @Test
    void tenThousandElementsSpanManyMessagesOfOneTransaction(Sandbox sb) {
        String ns = sb.netns("bulk10k");
        NamedSet map = NamedSet.map(T.set("hostports"), KeyType.of(FieldType.INET_PROTO, FieldType.IPV4_ADDR,
                FieldType.INET_SERVICE), KeyType.of(FieldType.IPV4_ADDR, FieldType.INET_SERVICE));
        Ipv4Address host = v4("10.0.0.1");
        Ipv4Address ctr = v4("172.17.0.2");
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, T)) {
            nft.apply(tx -> tx.addTable(Table.of(T)).addSet(map));
            long t0 = System.nanoTime();
            Transaction tx = nft.transaction();
            ElementWriter w = tx.addElements(map);
            for (int i = 0; i < 10_000; i++) {
                w.key(IpProtocol.TCP).key(host).key(20000 + i).value(ctr).value(80).add();
            }
            nft.commit(tx);
            long t1 = System.nanoTime();
            System.out.printf("10000 map elements: %.1f ms%n", (t1 - t0) / 1e6);
            assertEquals(10_000, nft.elements(map).size());
        }
    }

    /**
     * A transaction larger than the socket's send buffer (2 MiB at its start): 12,000 linear rules, some 3 MB, go
     * as one transaction after the buffer is raised, as nft raises its own for a large ruleset; nft lists them all.
     */
    @Test
    void aTransactionLargerThanTheSendBufferIsRaisedForNotSplit(Sandbox sb) {
        String ns = sb.netns("bigtx");
        ChainRef c = T.chain("many");
        int n = 12_000;
        try (NetNs net = NetNs.open(ns); Nft nft = Nft.open(net, T)) {
            Transaction tx = nft.transaction();
            tx.addTable(Table.of(T)).addChain(Chain.regular(c));
            String pad = "x".repeat(100); // ~250 bytes a rule: 3 MB in all
            for (int i = 0; i < n; i++) tx.add(Rule.in(c).metaMark(i).comment("published port " + (10000 + i) + pad));
            nft.commit(tx);
            int listed = 0;
            for (JsonNode o : Oracle.nft(ns).path("nftables")) {
                if (o.has("rule")) listed++;
            }
            assertEquals(n, listed);
        }
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsSent(Sandbox sb) {
        String ns = sb.netns("bad");
        NamedSet map = NamedSet.map(T.set("hostports"), KeyType.of(FieldType.INET_PROTO, FieldType.IPV4_ADDR,
                FieldType.INET_SERVICE), KeyType.of(FieldType.IPV4_ADDR, FieldType.INET_SERVICE));
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, T)) {
            int gen = nft.generation();
            Transaction tx = nft.transaction();
            tx.addTable(Table.of(T)).addSet(map);
            ValidationException e = assertThrows(ValidationException.class,
                    () -> tx.addElements(map).key(IpProtocol.TCP).key(8080));
            assertEquals("invalid element 1 of map hostports key field 2 (ipv4_addr) \"8080\": an Integer does not fit type"
                    + " ipv4_addr; expected an Ipv4Address", e.getMessage());
            e = assertThrows(ValidationException.class, () -> Rule.in(T.chain("c")).dnatMap(map, Selector.IP_DADDR,
                    Selector.TH_DPORT));
            assertEquals("invalid lookup key of @hostports \"ip daddr . th dport\": its type ipv4_addr . inet_service"
                    + " does not match the set's key type inet_proto . ipv4_addr . inet_service; expected selectors of"
                    + " types inet_proto . ipv4_addr . inet_service", e.getMessage());
            e = assertThrows(ValidationException.class, () -> tx.addTable(Table.of(Family.INET, "filter")));
            assertEquals("invalid table \"inet filter\": is not a table this engine owns; it never writes others;"
                    + " expected ip nlbridge", e.getMessage());
            e = assertThrows(ValidationException.class, () -> Chain.base(T.chain("f"), ChainType.NAT, Hook.FORWARD,
                    Priority.FILTER, Policy.ACCEPT));
            assertEquals("invalid chain hook \"forward\": a nat chain cannot attach to the forward hook; expected for"
                    + " type nat: prerouting, input, output, postrouting", e.getMessage());
            assertThrows(ValidationException.class, () -> T.chain("x".repeat(256)));
            // what was recorded before the refusals is still consistent and can be sent
            nft.commit(tx);
            assertEquals(gen + 1, nft.generation(), "one commit, nothing else");
            assertTrue(nft.exists(T));
        }
        // and a transaction abandoned after a refusal sends nothing at all
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, T)) {
            int gen = nft.generation();
            assertThrows(ValidationException.class, () -> nft.apply(tx -> {
                tx.addChain(Chain.regular(T.chain("ok")));
                tx.add(Rule.in(T.chain("ok")).ipSaddr(org.nlbridge.net.Cidr.parseSubnet("s", "fd00::/64")));
            }));
            assertEquals(gen, nft.generation());
            assertTrue(nft.list(T).orElseThrow().chains().isEmpty());
        }
    }

    @Test
    void namesUpToTheKernelLimitAreAccepted(Sandbox sb) {
        String ns = sb.netns("limits");
        String longest = "n".repeat(NftNames.MAX_NAME_BYTES);
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, T)) {
            nft.apply(tx -> {
                tx.addTable(Table.of(T).withComment("t".repeat(NftNames.MAX_COMMENT_BYTES)));
                tx.addChain(Chain.regular(T.chain(longest)));
                tx.addSet(NamedSet.set(T.set(longest), KeyType.of(FieldType.MARK)));
                tx.add(Rule.in(T.chain(longest)).counter().comment("c".repeat(NftNames.MAX_COMMENT_BYTES)));
            });
            Listing l = nft.list(T).orElseThrow();
            assertEquals(longest, l.chains().get(0).chain().name());
            assertEquals("c".repeat(128), l.chains().get(0).rules().get(0).comment());
            assertEquals(nft(ns, "nft", "list", "table", "ip", "nlbridge"), l.toString());
        }
    }

    @Test
    void destroyIsDeleteThatToleratesAbsence(Sandbox sb) {
        String ns = sb.netns("destroy");
        NamedSet ports = NamedSet.set(T.set("ports"), KeyType.of(FieldType.INET_SERVICE));
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, T)) {
            nft.apply(tx -> tx.destroyTable(T)); // nothing there yet: no error
            nft.apply(tx -> {
                tx.addTable(Table.of(T)).addSet(ports).addChain(Chain.regular(T.chain("c")));
                tx.addElements(ports).add(80).add(443);
            });
            nft.apply(tx -> {
                tx.destroyElements(ports).add(80).add(8080); // 8080 was never there
                tx.destroyChain(T.chain("c"));
                tx.destroyChain(T.chain("never"));
                tx.destroySet(T.set("never"));
            });
            assertEquals("[443]", nft.elements(ports).toString());
            assertTrue(nft.list(T).orElseThrow().chains().isEmpty());
            nft.apply(tx -> tx.destroyTable(T));
            assertFalse(nft.exists(T));
            nft.apply(tx -> tx.destroyTable(T));
            assertEquals(0, objects(ns));
        }
    }

    @Test
    void aBatchCutShortBeforeEndAppliesNothing(Sandbox sb) throws Exception {
        String ns = sb.netns("cut");
        try (NetNs n = NetNs.open(ns);
                org.nlbridge.netlink.NlSocket s = n.openSocket(org.nlbridge.bindings.linux.Uapi.NETLINK_NETFILTER());
                java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            org.nlbridge.netlink.MsgWriter w = new org.nlbridge.netlink.MsgWriter(arena.allocate(4096, 8)).nestedFlag(true);
            long h = w.begin(org.nlbridge.bindings.linux.Uapi.NFNL_MSG_BATCH_BEGIN(), org.nlbridge.bindings.linux.Uapi.NLM_F_REQUEST(), 1);
            long g = w.reserve(4);
            w.setBe16(g + 2, org.nlbridge.bindings.linux.Uapi.NFNL_SUBSYS_NFTABLES());
            w.end();
            w.begin((org.nlbridge.bindings.linux.Uapi.NFNL_SUBSYS_NFTABLES() << 8) | org.nlbridge.bindings.linux.Uapi.NFT_MSG_NEWTABLE(),
                    org.nlbridge.bindings.linux.Uapi.NLM_F_REQUEST() | org.nlbridge.bindings.linux.Uapi.NLM_F_CREATE()
                            | org.nlbridge.bindings.linux.Uapi.NLM_F_ACK(), 2);
            long t = w.reserve(4);
            w.setU8(t, org.nlbridge.bindings.linux.Uapi.NFPROTO_IPV4());
            w.putString(org.nlbridge.bindings.linux.Uapi.NFTA_TABLE_NAME(), "half");
            w.end();
            assertTrue(s.send(w.segment(), w.position()) > 0); // BEGIN and a table, but no END
            java.lang.foreign.MemorySegment rx = arena.allocate(65536, 8);
            s.receiveTimeout(500);
            while (s.receive(rx) > 0) {
                // whatever the kernel says about the aborted batch
            }
            assertEquals(0, objects(ns), "a batch without END is aborted whole");
            assertTrue(h == 0);
        }
    }
}
