package org.nlbridge.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netlink.NlSocket;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Inside;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

@ExtendWith(SandboxExtension.class)
class NetNsTest {

    private static String inode(String path) throws Exception {
        return String.valueOf(Files.getAttribute(Path.of(path), "unix:ino"));
    }

    @Test
    void createdNamespaceIsWhatIpNetnsSees(Sandbox sb) throws Exception {
        String name = sb.reserve("created");
        try (NetNs ns = NetNs.create(name)) {
            assertTrue(Cmd.run(null, "ip", "netns", "list").lines().anyMatch(l -> l.split(" ")[0].equals(name)),
                    "ip netns list shows " + name);
            // a fresh namespace: only lo, down
            String links = Cmd.run(null, "ip", "-n", name, "-o", "link", "show");
            assertEquals(1, links.lines().count(), links);
            assertTrue(links.contains("lo:") && links.contains("state DOWN"), links);
            // not the root namespace
            assertNotEquals(inode("/proc/self/ns/net"), inode("/run/netns/" + name));
            assertThrows(NamespaceExistsException.class, () -> NetNs.create(name));
        }
        assertTrue(NetNs.delete(name));
        assertFalse(Cmd.run(null, "ip", "netns", "list").lines().anyMatch(l -> l.split(" ")[0].equals(name)));
        assertFalse(NetNs.delete(name));
    }

    @Test
    void callRunsInsideAndLeavesCallerWhereItWas(Sandbox sb) throws Exception {
        String name = sb.netns("inside");
        String rootIno = inode("/proc/thread-self/ns/net");
        try (NetNs ns = NetNs.open(name)) {
            String seen = ns.call(() -> inode("/proc/thread-self/ns/net"));
            assertEquals(inode("/run/netns/" + name), seen);
            assertEquals(rootIno, inode("/proc/thread-self/ns/net"));
        }
    }

    @Test
    void sysctlIsPerNamespace(Sandbox sb) {
        String a = sb.netns("a");
        String b = sb.netns("b");
        String rootBefore = Cmd.run(null, "cat", "/proc/sys/net/ipv4/ip_forward").strip();
        try (NetNs na = NetNs.open(a); NetNs nb = NetNs.open(b)) {
            na.writeSysctl("net/ipv4/ip_forward", "1");
            assertEquals("1", na.sysctl("net/ipv4/ip_forward"));
            assertEquals("0", nb.sysctl("net/ipv4/ip_forward"));
            // the oracle: sysctl(8) run inside each namespace by iproute2
            assertEquals("1", Inside.run(a, "cat", "/proc/sys/net/ipv4/ip_forward").strip());
            assertEquals("0", Inside.run(b, "cat", "/proc/sys/net/ipv4/ip_forward").strip());
        }
        assertEquals(rootBefore, Cmd.run(null, "cat", "/proc/sys/net/ipv4/ip_forward").strip(), "root namespace untouched");
    }

    @Test
    void socketOpenedInsideStaysBoundToIt(Sandbox sb) throws Exception {
        String name = sb.netns("sock");
        Cmd.run(null, "ip", "-n", name, "link", "add", "probe0", "type", "bridge");
        try (NetNs ns = NetNs.open(name);
             org.nlbridge.rtnl.Rtnl rtnl = org.nlbridge.rtnl.Rtnl.over(ns.openSocket(
                     org.nlbridge.bindings.linux.Uapi.NETLINK_ROUTE()))) {
            // used from this thread (not in the namespace), the socket still sees the namespace's links, exactly
            // the ones ip -j lists there: the fresh namespace's lo and the bridge made for this test, nothing of ours
            java.util.List<String> seen = rtnl.links().list().stream().map(org.nlbridge.rtnl.Link::name).sorted().toList();
            java.util.List<String> oracle = new java.util.ArrayList<>();
            org.nlbridge.testing.Oracle.ip(name, "link", "show").forEach(l -> oracle.add(l.path("ifname").asText()));
            assertEquals(oracle.stream().sorted().toList(), seen);
            assertEquals(java.util.List.of("lo", "probe0"), seen);
        }
    }

    @Test
    void badNamesAndKeysAreRefusedBeforeAnySyscall() {
        ValidationException e = assertThrows(ValidationException.class, () -> NetNs.open("../etc"));
        assertTrue(e.getMessage().startsWith("invalid netns \"../etc\""), e.getMessage());
        assertThrows(ValidationException.class, () -> NetNs.create("a/b"));
        assertThrows(ValidationException.class, () -> NetNs.create(""));
        try (NetNs cur = NetNs.current()) {
            assertThrows(ValidationException.class, () -> cur.sysctl("kernel/hostname"));
            assertThrows(ValidationException.class, () -> cur.sysctl("net/../../etc/passwd"));
        }
    }

    @Test
    void missingNamespaceIsATypedError() {
        assertThrows(NoSuchNamespaceException.class, () -> NetNs.open("nlbt-does-not-exist-7f3a"));
    }
}
