package org.nlbridge.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netns.NetNs;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/** The engine writes only the tables it owns: other tables and iptables-nft rules stay byte-identical. */
@ExtendWith(SandboxExtension.class)
class NftOwnershipTest {
    static final TableRef T = NftObjectsTest.IP;

    static final String FOREIGN = """
            table inet filter {
            \tchain input {
            \t\ttype filter hook input priority filter; policy accept;
            \t\ttcp dport 22 accept
            \t\tct state invalid drop
            \t}
            }
            table ip foreign {
            \tset bad {
            \t\ttype ipv4_addr
            \t\telements = { 1.2.3.4 }
            \t}

            \tchain c {
            \t\ttype filter hook forward priority filter + 1; policy accept;
            \t\tip saddr @bad drop
            \t}
            }
            table ip6 nlbridge-lookalike {
            \tchain c {
            \t}
            }
            """;

    static String exec(String ns, String... args) {
        String[] argv = new String[args.length + 4];
        argv[0] = "ip";
        argv[1] = "netns";
        argv[2] = "exec";
        argv[3] = ns;
        System.arraycopy(args, 0, argv, 4, args.length);
        return Cmd.run(null, argv);
    }

    /** {@code nft list ruleset} without our table. */
    static String others(String ns) {
        String all = exec(ns, "nft", "list", "ruleset");
        int at = all.indexOf("table ip nlbridge {");
        if (at < 0) return all;
        int end = all.indexOf("\n}\n", at) + 3;
        return all.substring(0, at) + all.substring(end);
    }

    @Test
    void foreignTablesAndIptablesRulesStayByteIdentical(Sandbox sb) {
        String ns = sb.netns("owner");
        Cmd.run(FOREIGN, "ip", "netns", "exec", ns, "nft", "-f", "-");
        boolean iptables = Host.has("iptables-nft");
        if (iptables) {
            exec(ns, "iptables-nft", "-A", "INPUT", "-s", "192.0.2.1", "-j", "DROP");
            exec(ns, "iptables-nft", "-t", "nat", "-A", "POSTROUTING", "-o", "eth9", "-j", "MASQUERADE");
            exec(ns, "iptables-nft", "-N", "DOCKER-USER");
            exec(ns, "iptables-nft", "-A", "DOCKER-USER", "-j", "RETURN");
        }
        String before = exec(ns, "nft", "list", "ruleset");
        String saveBefore = iptables ? exec(ns, "iptables-nft-save").replaceAll("(?m)^#.*\\n", "") : "";
        assertTrue(before.contains("table ip foreign"), before);

        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, T)) {
            nft.apply(NftObjectsTest::dockerLike);
            assertEquals(before, others(ns), "other tables unchanged while ours exists");
            nft.apply(tx -> {
                tx.flushTable(T);
                tx.addElements(new NamedSet(T.set("ports"), KeyType.of(FieldType.INET_SERVICE), null, false, null)).add(9);
            });
            nft.apply(tx -> tx.deleteTable(T));
            assertFalse(nft.exists(T));
            // writing anything of someone else's is refused before it is sent
            assertThrows(ValidationException.class, () -> nft.transaction().flushTable(TableRef.of(Family.IP, "foreign")));
            assertThrows(ValidationException.class, () -> nft.transaction().deleteTable(TableRef.of(Family.INET, "filter")));
            assertThrows(ValidationException.class, () -> nft.transaction().addTable(Table.of(Family.IP6, "nlbridge")));
            // also in a transaction recorded elsewhere, for tables it was allowed: the engine checks at commit
            Transaction elsewhere = new Transaction(java.util.List.of(T, TableRef.of(Family.IP, "foreign")));
            elsewhere.addTable(Table.of(T)).flushTable(TableRef.of(Family.IP, "foreign"));
            assertThrows(ValidationException.class, () -> nft.commit(elsewhere));
            assertFalse(nft.exists(T), "nothing of it was sent");
            assertTrue(nft.tables().contains(TableRef.of(Family.IP, "foreign")), "reading others is fine");
        }
        assertEquals(before, exec(ns, "nft", "list", "ruleset"));
        if (iptables) {
            assertEquals(saveBefore, exec(ns, "iptables-nft-save").replaceAll("(?m)^#.*\\n", ""));
        }
    }
}
