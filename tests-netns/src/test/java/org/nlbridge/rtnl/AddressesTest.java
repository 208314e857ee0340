package org.nlbridge.rtnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netlink.NoSuchObjectException;
import org.nlbridge.netlink.ObjectExistsException;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/** Address verbs, checked against {@code ip -j addr show}. */
@ExtendWith(SandboxExtension.class)
class AddressesTest {

    /** The {@code addr_info} entry of {@code local} on {@code dev}, or null. */
    private static JsonNode addr(String ns, String dev, String local) {
        for (JsonNode l : Oracle.ip(ns, "addr", "show", "dev", dev)) {
            for (JsonNode a : l.path("addr_info")) {
                if (local.equals(a.path("local").asText())) return a;
            }
        }
        return null;
    }

    private static int upVeth(Ns h) {
        h.links().add(VethSpec.builder("va", "vb").up().build());
        h.links().setUp("vb");
        return h.links().get("va").index();
    }

    @Test
    void ipv4WithBroadcastPlus(Sandbox sb) {
        String ns = sb.netns("h");
        try (Ns h = Ns.open(ns)) {
            int va = upVeth(h);
            h.addresses().add(AddressSpec.of(va, "172.18.0.1/16").withBroadcast());
            h.addresses().add(AddressSpec.of(va, "10.9.8.7/32"));

            JsonNode a = addr(ns, "va", "172.18.0.1");
            assertNotNull(a);
            assertEquals(16, a.path("prefixlen").asInt());
            assertEquals("172.18.255.255", a.path("broadcast").asText());
            assertEquals("global", a.path("scope").asText());
            assertTrue(addr(ns, "va", "10.9.8.7").path("broadcast").isMissingNode());

            List<Address> ours = h.addresses().list(va);
            Address mine = ours.stream().filter(x -> x.address().toString().equals("172.18.0.1/16")).findFirst().orElseThrow();
            assertEquals(IpAddress.AF_INET, mine.family());
            assertEquals(va, mine.ifindex());
            assertEquals("172.18.255.255", mine.broadcast().toString());
            assertEquals("va", mine.label());
            assertEquals(Scope.UNIVERSE, mine.scope());
            assertTrue(mine.hasFlag(Uapi.IFA_F_PERMANENT()));
            // every address ip shows on the link, we list too (IPv6 link-local included)
            long ipCount = 0;
            for (JsonNode l : Oracle.ip(ns, "addr", "show", "dev", "va")) ipCount += l.path("addr_info").size();
            assertEquals(ipCount, ours.size());
        }
    }

    @Test
    void addIsExclusiveReplaceConvergesDeleteRemoves(Sandbox sb) {
        String ns = sb.netns("h");
        try (Ns h = Ns.open(ns)) {
            int va = upVeth(h);
            AddressSpec spec = AddressSpec.of(va, "192.168.5.2/24");
            h.addresses().add(spec);
            ObjectExistsException dup = assertThrows(ObjectExistsException.class, () -> h.addresses().add(spec));
            assertTrue(dup.getMessage().startsWith("RTM_NEWADDR address 192.168.5.2/24 on ifindex " + va
                    + ": EEXIST (File exists)"), dup.getMessage());

            h.addresses().replace(spec); // already there: accepted, not refused
            assertNotNull(addr(ns, "va", "192.168.5.2"));
            h.addresses().replace(AddressSpec.of(va, "192.168.6.2/24")); // not there: added
            assertNotNull(addr(ns, "va", "192.168.6.2"));

            h.addresses().delete(spec);
            assertNull(addr(ns, "va", "192.168.5.2"));
            NoSuchObjectException gone = assertThrows(NoSuchObjectException.class, () -> h.addresses().delete(spec));
            assertTrue(gone.getMessage().startsWith("RTM_DELADDR address 192.168.5.2/24 on ifindex " + va + ": EADDRNOTAVAIL"),
                    gone.getMessage());
            h.addresses().delete(va, Cidr.parseInterface("address", "192.168.6.2/24"));
            assertNull(addr(ns, "va", "192.168.6.2"));
            assertFalse(h.addresses().deleteIfExists(spec), "already gone counts as done");
        }
    }

    @Test
    void ipv6WithNoDadIsUsableAtOnce(Sandbox sb) {
        String ns = sb.netns("h");
        try (Ns h = Ns.open(ns)) {
            int va = upVeth(h);
            h.addresses().add(AddressSpec.of(va, "fd00:1::2/64").withNoDad());
            h.addresses().add(AddressSpec.of(va, "fd00:2::2/64"));

            JsonNode nodad = addr(ns, "va", "fd00:1::2");
            assertNotNull(nodad);
            assertEquals(64, nodad.path("prefixlen").asInt());
            assertTrue(nodad.path("nodad").asBoolean(), nodad.toString());
            assertFalse(nodad.path("tentative").asBoolean(), nodad.toString());
            JsonNode dad = addr(ns, "va", "fd00:2::2");
            assertFalse(dad.path("nodad").asBoolean(), dad.toString());

            Address a = h.addresses().list(IpAddress.AF_INET6, va).stream()
                    .filter(x -> x.address().toString().equals("fd00:1::2/64")).findFirst().orElseThrow();
            assertTrue(a.hasFlag(Uapi.IFA_F_NODAD()));
            assertFalse(a.hasFlag(Uapi.IFA_F_TENTATIVE()));
            assertNull(a.label());
        }
    }

    @Test
    void listOfAllAgreesWithIp(Sandbox sb) {
        String ns = sb.netns("h");
        try (Ns h = Ns.open(ns)) {
            int va = upVeth(h);
            h.links().setUp("lo");
            h.addresses().add(AddressSpec.of(va, "10.0.0.1/8"));
            Cmd.run(null, "ip", "-n", ns, "addr", "add", "10.1.0.1/16", "dev", "vb");
            long ipCount = 0;
            for (JsonNode l : Oracle.ip(ns, "addr", "show")) ipCount += l.path("addr_info").size();
            List<Address> all = h.addresses().list();
            assertEquals(ipCount, all.size());
            assertTrue(all.stream().anyMatch(a -> a.address().toString().equals("127.0.0.1/8")));
            assertTrue(all.stream().anyMatch(a -> a.address().toString().equals("10.1.0.1/16")));
            assertEquals(2, h.addresses().list(IpAddress.AF_INET, 0).stream()
                    .filter(a -> a.address().address().toString().startsWith("10.")).count());
        }
    }

    @Test
    void badAddressesAreRefusedBeforeAnySyscall() {
        ValidationException e = assertThrows(ValidationException.class, () -> AddressSpec.of(3, "10.1/24"));
        assertEquals("address", e.field());
        e = assertThrows(ValidationException.class, () -> AddressSpec.of(3, "010.0.0.1/24"));
        assertEquals("address", e.field());
        assertTrue(e.getMessage().startsWith("invalid address \"010.0.0.1/24\": "), e.getMessage());
        e = assertThrows(ValidationException.class, () -> AddressSpec.of(0, "10.0.0.1/24"));
        assertEquals("address.ifindex", e.field());
        e = assertThrows(ValidationException.class, () -> AddressSpec.of(3, "10.0.0.1/24").withNoDad());
        assertEquals("address.nodad", e.field());
        e = assertThrows(ValidationException.class, () -> AddressSpec.of(3, "fd00::1/64").withBroadcast());
        assertEquals("address.broadcast", e.field());
    }
}
