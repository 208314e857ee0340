package org.nlbridge.rtnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netlink.NetlinkException;
import org.nlbridge.netlink.NoSuchObjectException;
import org.nlbridge.netlink.ObjectExistsException;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/** Every link verb, checked against {@code ip -j -d link show}, not only against our own decoder. */
@ExtendWith(SandboxExtension.class)
class LinksTest {

    private static boolean hasFlag(JsonNode link, String flag) {
        for (JsonNode f : link.path("flags")) {
            if (flag.equals(f.asText())) return true;
        }
        return false;
    }

    private static JsonNode link(String ns, String name) {
        JsonNode l = Oracle.link(ns, name);
        assertNotNull(l, "ip -j link show in " + ns + " has " + name);
        return l;
    }

    @Test
    void bridgeIsCreatedAsSpecified(Sandbox sb) {
        String name = sb.netns("h");
        try (Ns h = Ns.open(name)) {
            h.links().add(BridgeSpec.builder("br0").mtu(1400).mac("02:42:ac:11:00:01").alias("nlbridge:net-1")
                    .stp(false).forwardDelay(Duration.ZERO).multicastSnooping(false).up().build());

            JsonNode j = link(name, "br0");
            assertEquals(1400, j.path("mtu").asInt());
            assertEquals("02:42:ac:11:00:01", j.path("address").asText());
            assertEquals("nlbridge:net-1", j.path("ifalias").asText());
            assertTrue(hasFlag(j, "UP"), j.toString());
            JsonNode info = j.path("linkinfo");
            assertEquals("bridge", info.path("info_kind").asText());
            assertEquals(0, info.path("info_data").path("stp_state").asInt());
            assertEquals(0, info.path("info_data").path("forward_delay").asInt());
            assertEquals(0, info.path("info_data").path("mcast_snooping").asInt());

            Link l = h.links().get("br0");
            assertEquals(j.path("ifindex").asInt(), l.index());
            assertEquals("bridge", l.kind());
            assertEquals(1400, l.mtu());
            assertEquals("02:42:ac:11:00:01", l.mac().toString());
            assertEquals("nlbridge:net-1", l.alias());
            assertTrue(l.isUp());
            assertEquals(l, h.links().get(l.index()));

            // the MTU is the bridge's own: a port with a bigger one coming and going leaves it as it was (the kernel
            // lets a bridge follow its ports only while no MTU was set on it)
            h.links().add(VethSpec.builder("vbig", "pbig").mtu(9000).master(l.index()).build());
            h.links().delete("vbig");
            assertEquals(1400, link(name, "br0").path("mtu").asInt());
        }
    }

    @Test
    void bridgePortSettingsAreWhatIpSees(Sandbox sb) {
        String name = sb.netns("h");
        try (Ns h = Ns.open(name)) {
            h.links().add(BridgeSpec.builder("br0").up().build());
            int br = h.links().get("br0").index();
            // a create with port settings (set after the create, in the same call) and the batch verb on two others
            h.links().add(VethSpec.builder("va", "pa").master(br).port(BridgePortSpec.HAIRPIN).alias("nlbridge:t").build());
            h.links().add(VethSpec.builder("vb", "pb").master(br).build());
            h.links().add(VethSpec.builder("vc", "pc").master(br).build());
            RtnlBatch b = h.rtnl.batch();
            b.links().setBridgePort("vb", BridgePortSpec.builder().isolated(true).learning(false).unicastFlood(false)
                    .multicastFlood(false).broadcastFlood(false).build());
            b.links().setBridgePort(h.links().get("vc").index(), BridgePortSpec.builder().hairpin(true).build());
            b.execute().throwIfFailed();

            JsonNode va = link(name, "va").path("linkinfo").path("info_slave_data");
            assertTrue(va.path("hairpin").asBoolean(), va.toString());
            assertFalse(va.path("isolated").asBoolean(), va.toString());
            assertEquals("nlbridge:t", link(name, "va").path("ifalias").asText());
            JsonNode vb = link(name, "vb").path("linkinfo").path("info_slave_data");
            assertFalse(vb.path("hairpin").asBoolean(), vb.toString());
            assertTrue(vb.path("isolated").asBoolean(), vb.toString());
            assertFalse(vb.path("learning").asBoolean(), vb.toString());
            assertFalse(vb.path("flood").asBoolean(), vb.toString());
            assertFalse(vb.path("mcast_flood").asBoolean(), vb.toString());
            assertFalse(vb.path("bcast_flood").asBoolean(), vb.toString());
            JsonNode vc = link(name, "vc").path("linkinfo").path("info_slave_data");
            assertTrue(vc.path("hairpin").asBoolean() && vc.path("learning").asBoolean() && vc.path("flood").asBoolean(),
                    "only hairpin changed: " + vc);

            // a link that is no bridge port: the kernel refuses, and the failure names the link and the settings
            NetlinkException e = assertThrows(NetlinkException.class,
                    () -> h.links().setBridgePort("pa", BridgePortSpec.HAIRPIN));
            assertTrue(e.getMessage().contains("link pa (bridge port hairpin on)"), e.getMessage());
        }
    }

    @Test
    void duplicateLinkIsObjectExistsNamingIt(Sandbox sb) {
        String name = sb.netns("h");
        Cmd.run(null, "ip", "-n", name, "link", "add", "br0", "type", "bridge");
        try (Ns h = Ns.open(name)) {
            ObjectExistsException e = assertThrows(ObjectExistsException.class,
                    () -> h.links().add(BridgeSpec.builder("br0").alias("nlbridge:mine").build()));
            assertTrue(e.getMessage().contains("link br0 already exists"), e.getMessage());
            assertTrue(e.getMessage().startsWith("RTM_NEWLINK bridge br0: EEXIST"), e.getMessage());
            // the marker never lands on a link we did not create
            assertTrue(link(name, "br0").path("ifalias").isMissingNode(), link(name, "br0").toString());
        }
    }

    @Test
    void vethPeerIsCreatedInTheOtherNamespaceWithItsFinalName(Sandbox sb) {
        List<String> names = sb.netns(List.of("host", "ctr"));
        String host = names.get(0);
        String ctr = names.get(1);
        try (Ns h = Ns.open(host); Ns c = Ns.open(ctr)) {
            h.links().add(BridgeSpec.builder("br0").mtu(1400).up().build());
            int br = h.links().get("br0").index();
            h.links().add(VethSpec.builder("vethab12", "eth0").peerNetns(c.netns).mtu(1400)
                    .mac("02:00:00:00:00:01").peerMac("02:42:0a:00:00:02").master(br).alias("nlbridge:ep-1")
                    .up().build());
            c.links().setUp("eth0");

            // the container side, seen by iproute2 inside the container namespace
            JsonNode eth0 = link(ctr, "eth0");
            assertEquals(1400, eth0.path("mtu").asInt());
            assertEquals("02:42:0a:00:00:02", eth0.path("address").asText());
            assertTrue(hasFlag(eth0, "UP"), eth0.toString());
            assertEquals("veth", eth0.path("linkinfo").path("info_kind").asText());
            assertNull(Oracle.link(host, "eth0"), "no eth0 was ever left in the host namespace");

            // the host side
            JsonNode veth = link(host, "vethab12");
            assertEquals(1400, veth.path("mtu").asInt());
            assertEquals("br0", veth.path("master").asText());
            assertEquals("nlbridge:ep-1", veth.path("ifalias").asText());
            assertEquals("02:00:00:00:00:01", veth.path("address").asText());
            assertTrue(hasFlag(veth, "UP") && hasFlag(veth, "LOWER_UP"), veth.toString());

            // peer index and link-netnsid, both ways, as iproute2 and as we decode them
            Link hv = h.links().get("vethab12");
            Link ce = c.links().get("eth0");
            assertEquals(ce.index(), hv.peerIndex());
            assertEquals(hv.index(), ce.peerIndex());
            assertEquals(eth0.path("ifindex").asInt(), veth.path("link_index").asInt());
            assertEquals(veth.path("ifindex").asInt(), eth0.path("link_index").asInt());
            assertEquals(veth.path("link_netnsid").asInt(), hv.linkNetnsid());
            assertEquals(eth0.path("link_netnsid").asInt(), ce.linkNetnsid());
            assertEquals(ctr, nsidName(host, hv.linkNetnsid()));
            assertEquals(host, nsidName(ctr, ce.linkNetnsid()));
            assertEquals(br, hv.master());
            assertTrue(hv.isLowerUp() && ce.isLowerUp());
        }
    }

    /** {@code queues(1)}: one TX and one RX queue on both ends, as iproute2 reports them; without it, the default. */
    @Test
    void vethQueues(Sandbox sb) {
        List<String> names = sb.netns(List.of("host", "ctr"));
        try (Ns h = Ns.open(names.get(0)); Ns c = Ns.open(names.get(1))) {
            h.links().add(VethSpec.builder("vq1", "eth0").peerNetns(c.netns).queues(1).build());
            h.links().add(VethSpec.builder("vqd", "eth1").peerNetns(c.netns).build());
            for (JsonNode end : List.of(link(names.get(0), "vq1"), link(names.get(1), "eth0"))) {
                assertEquals(1, end.path("num_tx_queues").asInt(), end.toString());
                assertEquals(1, end.path("num_rx_queues").asInt(), end.toString());
            }
            JsonNode plain = link(names.get(0), "vqd");
            int possible = Runtime.getRuntime().availableProcessors();
            assertTrue(plain.path("num_tx_queues").asInt() >= possible, plain.toString());
        }
    }

    /** The namespace name {@code ip netns list-id} gives for {@code nsid} as seen from {@code ns}. */
    private static String nsidName(String ns, int nsid) {
        for (JsonNode n : Oracle.ip(ns, "netns", "list-id")) {
            if (n.path("nsid").asInt() == nsid) return n.path("name").asText();
        }
        return null;
    }

    @Test
    void vethPeerNameTakenInTheContainerIsNamed(Sandbox sb) {
        List<String> names = sb.netns(List.of("host", "ctr"));
        Cmd.run(null, "ip", "-n", names.get(1), "link", "add", "eth0", "type", "bridge");
        try (Ns h = Ns.open(names.get(0)); Ns c = Ns.open(names.get(1))) {
            ObjectExistsException e = assertThrows(ObjectExistsException.class, () -> h.links().add(
                    VethSpec.builder("vethx", "eth0").peerNetns(c.netns).alias("nlbridge:x").build()));
            assertTrue(e.getMessage().contains("link eth0 already exists in netns " + names.get(1)), e.getMessage());
            assertNull(Oracle.link(names.get(0), "vethx"), "nothing left behind on the host side");
        }
    }

    @Test
    void setVerbsChangeWhatIpSees(Sandbox sb) {
        List<String> names = sb.netns(List.of("host", "other"));
        String ns = names.get(0);
        try (Ns h = Ns.open(ns); Ns other = Ns.open(names.get(1))) {
            h.links().add(BridgeSpec.named("br0"));
            h.links().add(BridgeSpec.named("br1"));
            h.links().add(VethSpec.builder("va", "vb").build());
            int br0 = h.links().get("br0").index();
            int va = h.links().get("va").index();

            h.links().setUp("br0");
            assertTrue(hasFlag(link(ns, "br0"), "UP"));
            h.links().setDown(br0);
            assertFalse(hasFlag(link(ns, "br0"), "UP"));

            h.links().setMtu("va", 1300);
            assertEquals(1300, link(ns, "va").path("mtu").asInt());
            h.links().setMtu(va, 1280);
            assertEquals(1280, link(ns, "va").path("mtu").asInt());

            h.links().setMac("va", "02:11:22:33:44:55");
            assertEquals("02:11:22:33:44:55", link(ns, "va").path("address").asText());

            h.links().setMaster("va", br0);
            assertEquals("br0", link(ns, "va").path("master").asText());
            h.links().setMaster(va, h.links().get("br1").index());
            assertEquals("br1", link(ns, "va").path("master").asText());
            h.links().noMaster("va");
            assertTrue(link(ns, "va").path("master").isMissingNode());

            h.links().setAlias("va", "nlbridge:owner-7");
            assertEquals("nlbridge:owner-7", link(ns, "va").path("ifalias").asText());
            h.links().clearAlias("va");
            assertTrue(link(ns, "va").path("ifalias").isMissingNode(), link(ns, "va").toString());

            h.links().rename(va, "vc");
            assertNull(Oracle.link(ns, "va"));
            assertEquals(va, link(ns, "vc").path("ifindex").asInt());
            h.links().rename("vc", "va");
            assertEquals(va, link(ns, "va").path("ifindex").asInt());

            h.links().setNetns("vb", other.netns);
            assertNull(Oracle.link(ns, "vb"));
            assertNotNull(Oracle.link(names.get(1), "vb"));
            assertEquals(link(names.get(1), "vb").path("ifindex").asInt(), h.links().get("va").peerIndex());

            h.links().delete("br1");
            assertNull(Oracle.link(ns, "br1"));
            h.links().delete(br0);
            assertNull(Oracle.link(ns, "br0"));
            NoSuchObjectException gone = assertThrows(NoSuchObjectException.class, () -> h.links().delete("br0"));
            assertEquals("RTM_DELLINK link br0: ENODEV (No such device)", gone.getMessage());
            assertFalse(h.links().deleteIfExists("br0"));
            assertTrue(h.links().deleteIfExists("va"));
            assertNull(Oracle.link(names.get(1), "vb"), "deleting one end of a veth deletes both");
        }
    }

    @Test
    void getListPortsAndDumpAgreeWithIp(Sandbox sb) {
        String ns = sb.netns("h");
        try (Ns h = Ns.open(ns)) {
            h.links().add(BridgeSpec.builder("br0").alias("nlbridge:net").up().build());
            int br = h.links().get("br0").index();
            for (int i = 0; i < 5; i++) {
                h.links().add(VethSpec.builder("v" + i, "p" + i).master(br).alias("nlbridge:ep-" + i).up().build());
            }
            h.links().add(VethSpec.builder("other", "otherp").build());

            Set<String> ipNames = new TreeSet<>();
            for (JsonNode l : Oracle.ip(ns, "link", "show")) ipNames.add(l.path("ifname").asText());
            Set<String> ours = new TreeSet<>();
            for (Link l : h.links().list()) {
                ours.add(l.name());
                JsonNode j = link(ns, l.name());
                assertEquals(j.path("ifindex").asInt(), l.index(), l.name());
                assertEquals(j.path("mtu").asInt(), l.mtu(), l.name());
                assertEquals(hasFlag(j, "UP"), l.isUp(), l.name());
                assertEquals(j.path("linkinfo").path("info_kind").asText(null), l.kind(), l.name());
                if (j.has("address") && j.path("link_type").asText().equals("ether")) {
                    assertEquals(j.path("address").asText(), l.mac().toString(), l.name());
                }
            }
            assertEquals(ipNames, ours);

            Set<String> ipPorts = new TreeSet<>();
            for (JsonNode l : Oracle.ip(ns, "link", "show", "master", "br0")) ipPorts.add(l.path("ifname").asText());
            Set<String> ports = new TreeSet<>();
            for (Link l : h.links().ports(br)) ports.add(l.name());
            assertEquals(Set.of("v0", "v1", "v2", "v3", "v4"), ipPorts);
            assertEquals(ipPorts, ports);

            // the zero-copy path: find ours by alias without building Link objects
            List<Integer> marked = new ArrayList<>();
            int seen = h.links().dump(v -> {
                if (v.aliasStartsWith("nlbridge:ep-")) marked.add(v.index());
            });
            assertEquals(ipNames.size(), seen);
            assertEquals(5, marked.size());

            NoSuchObjectException e = assertThrows(NoSuchObjectException.class, () -> h.links().get("nope0"));
            assertEquals("RTM_GETLINK link nope0: ENODEV (No such device)", e.getMessage());
            assertTrue(h.links().find("nope0").isEmpty());
        }
    }

    @Test
    void dummyIsCreatedOrSkippedWhereTheKernelLacksIt(Sandbox sb) {
        String ns = sb.netns("h");
        try (Ns h = Ns.open(ns)) {
            try {
                h.links().add(DummySpec.builder("d0").mtu(9000).up().build());
            } catch (NetlinkException e) {
                Assumptions.assumeFalse(e.errno() == LibC.EOPNOTSUPP(),
                        "this kernel has no dummy driver: " + e.getMessage());
                throw e;
            }
            JsonNode d = link(ns, "d0");
            assertEquals("dummy", d.path("linkinfo").path("info_kind").asText());
            assertEquals(9000, d.path("mtu").asInt());
        }
    }

    @Test
    void unknownKindNamesTheKernelsReason(Sandbox sb) {
        // the refusal a kernel without the dummy driver gives, checked whatever this kernel has: its text reaches us
        String ns = sb.netns("h");
        try (Ns h = Ns.open(ns)) {
            try {
                h.links().add(DummySpec.builder("d0").build());
                Assumptions.abort("this kernel has the dummy driver, so there is no refusal to check");
            } catch (NetlinkException e) {
                assertEquals(LibC.EOPNOTSUPP(), e.errno());
                assertEquals("Unknown device type", e.extack());
                assertTrue(e.getMessage().startsWith("RTM_NEWLINK dummy d0: "), e.getMessage());
                assertTrue(e.getMessage().endsWith("(Operation not supported): kernel says \"Unknown device type\""),
                        e.getMessage());
            }
        }
    }

    @Test
    void vlanFilteringOptionReachesTheBridge(Sandbox sb) {
        String ns = sb.netns("h");
        try (Ns h = Ns.open(ns)) {
            try {
                h.links().add(BridgeSpec.builder("brv").vlanFiltering(true).build());
            } catch (NetlinkException e) {
                Assumptions.assumeFalse(e.errno() == LibC.EOPNOTSUPP(),
                        "this kernel lacks CONFIG_BRIDGE_VLAN_FILTERING: " + e.getMessage());
                throw e;
            }
            assertEquals(1, link(ns, "brv").path("linkinfo").path("info_data").path("vlan_filtering").asInt());
        }
    }

    @Test
    void currentIsTheCallingThreadsNamespace(Sandbox sb) {
        String ns = sb.netns("h");
        Cmd.run(null, "ip", "-n", ns, "link", "add", "marker0", "type", "bridge");
        try (org.nlbridge.netns.NetNs n = org.nlbridge.netns.NetNs.open(ns)) {
            Set<String> names = n.call(() -> {
                try (Rtnl r = Rtnl.current()) { // opened on a thread inside the sandbox namespace
                    Set<String> out = new TreeSet<>();
                    r.links().list().forEach(l -> out.add(l.name()));
                    return out;
                }
            });
            assertEquals(Set.of("lo", "marker0"), names);
        }
    }

    @Test
    void badNamesAreRefusedBeforeAnySyscall(Sandbox sb) {
        String ns = sb.netns("h");
        String before = Cmd.run(null, "ip", "-n", ns, "-o", "link", "show");
        try (Ns h = Ns.open(ns)) {
            ValidationException e = assertThrows(ValidationException.class, () -> h.links().setUp("sixteen-bytes-xx"));
            assertEquals("link.name", e.field());
            e = assertThrows(ValidationException.class, () -> h.links().setMtu("lo", 67));
            assertEquals("link.mtu", e.field());
            assertThrows(ValidationException.class, () -> h.links().delete(0));
            assertThrows(ValidationException.class, () -> h.links().setAlias("lo", "two\nlines"));
        }
        assertEquals(before, Cmd.run(null, "ip", "-n", ns, "-o", "link", "show"));
    }
}
