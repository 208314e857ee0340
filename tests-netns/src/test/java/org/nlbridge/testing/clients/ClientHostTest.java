package org.nlbridge.testing.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

/** The client sandbox itself: what is private, what the processes inside see, and that close leaves nothing. */
@ExtendWith(SandboxExtension.class)
class ClientHostTest {

    @Test
    void privateFilesOwnCgroupsAndNothingLeftAfterClose(Sandbox sandbox) throws Exception {
        Set<String> rootLinks = rootLinks();
        String rootTables = Cmd.run(null, "nft", "list", "tables");
        ClientHost host = ClientHost.start(sandbox);

        // the host namespace's sysfs and links, never the machine's
        assertEquals(Set.of("lo", "eth0"), Set.of(host.run("ls", "/sys/class/net").split("\\s+")));
        assertTrue(host.run("ip", "-o", "addr", "show", "dev", "eth0").contains(ClientHost.HOST_IP + "/24"));
        // private files: written inside, absent on the machine
        for (String dir : List.of("/etc/cni/net.d", "/var/lib/cni", "/run", "/var/lib/docker", "/tmp")) {
            String file = dir + "/nlbt-private-probe";
            host.write(file, "x");
            assertEquals("x", host.run("cat", file));
            assertFalse(Files.exists(Path.of(file)), file + " must not exist on the machine");
        }
        // a path no private mount covers is refused before anything is written
        AssertionError refused = assertThrows(AssertionError.class, () -> host.write("/etc/nlbt-private-probe", "x"));
        assertTrue(refused.getMessage().contains("not private"), refused.getMessage());
        assertFalse(Files.exists(Path.of("/etc/nlbt-private-probe")));
        // the work directory is the same on both sides
        Files.writeString(host.workDir().resolve("shared"), "both");
        assertEquals("both", host.run("cat", host.workDir().resolve("shared").toString()));
        // the host namespace under its name inside, for tools that open namespaces by name
        assertTrue(host.run("ip", "netns", "list").contains(host.hostNs()));

        // a daemon and an orphan (what shims and conmon are): both in the sandbox's cgroups, both ended by close
        Daemon sleeper = host.spawn("sleeper", Map.of(), "sleep", "1000");
        host.run("sh", "-c", "sleep 1001 >/dev/null 2>&1 &");
        long orphan = ProcessHandle.of(host.initPid()).orElseThrow().children()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains("1001")).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("the orphan was not adopted by the sandbox's init")).pid();
        String cgroup = Files.readString(Path.of("/proc/" + sleeper.pid() + "/cgroup"));
        assertTrue(cgroup.contains("/nlbc-"), "the daemon must be in the sandbox's cgroups: " + cgroup);
        List<Path> cgroupDirs = cgroupDirs(cgroup);
        assertFalse(cgroupDirs.isEmpty());

        // upstream answers, so containers' traffic can leave the host without leaving the sandbox
        Tcp.pings(host.hostNs(), ClientHost.UPSTREAM_IP);

        Path work = host.workDir();
        long init = host.initPid();
        host.close();
        for (long pid : List.of(sleeper.pid(), orphan, init)) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " must be gone");
        }
        for (Path d : cgroupDirs) assertFalse(Files.exists(d), d + " must be removed");
        assertFalse(Files.exists(work), "work directory removed");
        assertEquals(rootLinks, rootLinks(), "root namespace links unchanged");
        assertEquals(rootTables, Cmd.run(null, "nft", "list", "tables"), "root namespace nft tables unchanged");
        // the namespaces stay for the sandbox to delete; the host namespace still has only what the test made
        assertEquals(Set.of("lo", "eth0"), linkNames(host.hostNs()));
    }

    @Test
    void closeWithContainersOfEveryClientRunningLeavesNothing(Sandbox sandbox) throws Exception {
        // what a failing test leaves to close(): containers still running under all three clients
        ClientHost host = ClientHost.start(sandbox);
        Docker docker = host.docker();
        docker.run("run", "-d", "--name", "d1", "-p", "8080:80", docker.busybox(), "httpd", "-f", "-p", "80", "-h", "/www");
        Podman podman = host.podman();
        podman.run("run", "-d", "--name", "p1", podman.busybox(), "sleep", "1000");
        Containerd containerd = host.containerd();
        containerd.run("run", "-d", containerd.busybox(), "c1", "sleep", "1000");
        List<ProcessHandle> tree = host.processes();
        Set<String> names = host.processNames();
        for (String n : List.of("dockerd", "containerd", "containerd-shim-runc-v2", "conmon", "busybox", "docker-proxy")) {
            assertTrue(names.contains(n), n + " among the sandbox's processes: " + names);
        }
        List<Path> cgroupDirs = cgroupDirs(Files.readString(Path.of("/proc/" + docker.daemon().pid() + "/cgroup")));

        host.close();
        for (ProcessHandle p : tree) assertFalse(p.isAlive(), p.info().command().orElse("?") + " (pid " + p.pid() + ") must be gone");
        for (Path d : cgroupDirs) assertFalse(Files.exists(d), d + " must be removed");
        // the links of the host namespace are the sandbox's to delete with it; nothing was made elsewhere
        assertTrue(linkNames(host.hostNs()).containsAll(Set.of("lo", "eth0", "docker0")));
    }

    /** The sandbox's directory in each hierarchy: the path up to and including nlbc-<tag>, under /sys/fs/cgroup. */
    private static List<Path> cgroupDirs(String procCgroup) throws Exception {
        List<Path> dirs = new java.util.ArrayList<>();
        for (String line : procCgroup.split("\n")) {
            String path = line.split(":", 3)[2];
            int at = path.indexOf("/nlbc-");
            if (at < 0) continue;
            int end = path.indexOf('/', at + 1);
            String rel = end < 0 ? path : path.substring(0, end);
            try (var s = Files.list(Path.of("/sys/fs/cgroup"))) {
                for (Path h : s.toList()) {
                    if (Files.isDirectory(h.resolve(rel.substring(1)))) dirs.add(h.resolve(rel.substring(1)));
                }
            }
        }
        return dirs;
    }

    private static Set<String> rootLinks() {
        Set<String> names = new TreeSet<>();
        for (String line : Cmd.run(null, "ip", "-o", "link", "show").split("\n")) {
            if (!line.isBlank()) names.add(line.split(": ")[1].replaceAll("@.*", ""));
        }
        return names;
    }

    static Set<String> linkNames(String ns) {
        Set<String> names = new TreeSet<>();
        Oracle.ip(ns, "link", "show").forEach(l -> names.add(l.path("ifname").asText()));
        return names;
    }
}
