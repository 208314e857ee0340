package org.nlbridge.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.nlbridge.cni.CniInstall;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.cni.Libcni;

/**
 * The CNI tests' world: {@link Net}'s host and upstream, an nlbridge daemon on the host, the plugin installed in a
 * directory of the test's own (beside the reference plugins of {@code /usr/lib/cni} on {@code CNI_PATH}), and a
 * runtime ({@link Libcni}) that runs plugins in the host namespace.
 */
final class CniWorld implements AutoCloseable {
    static final String REFERENCE_PLUGINS = "/usr/lib/cni";

    final Sandbox sandbox;
    final Net net;
    final Path dir;
    final Path bin;
    final DaemonProcess daemon;
    final Libcni runtime;

    CniWorld(Sandbox sandbox, String maxVersion) {
        this.sandbox = sandbox;
        this.net = new Net(sandbox);
        try {
            this.dir = Files.createTempDirectory("nlbridge-cni-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.bin = dir.resolve("bin");
        CniInstall.install(bin, Path.of(System.getProperty("java.home")));
        this.daemon = new DaemonProcess(net.host, dir).start();
        this.runtime = new Libcni(List.of(bin, Path.of(REFERENCE_PLUGINS)), net.host, maxVersion);
    }

    /** A conflist of one nlbridge plugin with these network keys (and the daemon's socket), then {@code more}. */
    ObjectNode conflist(String name, String version, Map<String, Object> keys, JsonNode... more) {
        ObjectNode list = Libcni.JSON.createObjectNode().put("cniVersion", version).put("name", name);
        ObjectNode p = list.putArray("plugins").addObject().put("type", "nlbridge").put("socket", "unix://" + daemon.socket);
        keys.forEach((k, v) -> p.set(k, Libcni.JSON.valueToTree(v)));
        p.putObject("capabilities").put("portMappings", true).put("ips", true).put("mac", true).put("aliases", true);
        for (JsonNode m : more) list.withArray("plugins").add(m);
        return list;
    }

    /** A namespace for a container: its CNI_NETNS path. */
    String container(String name) {
        return "/run/netns/" + sandbox.netns(name);
    }

    /** Several at once (one {@code ip -batch}). */
    List<String> containers(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : sandbox.netns(names)) out.add("/run/netns/" + n);
        return out;
    }

    @Override
    public void close() throws IOException {
        daemon.close();
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
