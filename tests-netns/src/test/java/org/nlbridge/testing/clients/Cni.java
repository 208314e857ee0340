package org.nlbridge.testing.clients;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * CNI networks for the runtimes of a {@link ClientHost}: conflists in its private {@code /etc/cni/net.d}, the
 * reference plugins' chain a user would otherwise configure, and a {@link Recorder} that shows what a runtime
 * really sends.
 */
public final class Cni {
    private Cni() {}

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The reference chain: {@code bridge} (gateway, masquerade, hairpin) with {@code host-local} addresses from
     * {@code subnet} (gateway {@code gateway}, default route), then {@code portmap} if {@code portmap}, then the
     * {@code extra} plugin objects.
     */
    public static ObjectNode bridgeNetwork(String name, String cniVersion, String bridge, String subnet, String gateway,
            boolean portmap, JsonNode... extra) {
        ObjectNode list = JSON.createObjectNode().put("cniVersion", cniVersion).put("name", name);
        ArrayNode plugins = list.putArray("plugins");
        ObjectNode br = plugins.addObject().put("type", "bridge").put("bridge", bridge).put("isGateway", true)
                .put("ipMasq", true).put("hairpinMode", true);
        ObjectNode ipam = br.putObject("ipam").put("type", "host-local");
        ipam.putArray("ranges").addArray().addObject().put("subnet", subnet).put("gateway", gateway);
        ipam.putArray("routes").addObject().put("dst", "0.0.0.0/0");
        if (portmap) plugins.addObject().put("type", "portmap").putObject("capabilities").put("portMappings", true);
        for (JsonNode p : extra) plugins.add(p);
        return list;
    }

    /** Writes {@code /etc/cni/net.d/10-<name>.conflist} inside the host. */
    public static void addNetwork(ClientHost host, JsonNode conflist) {
        host.write("/etc/cni/net.d/10-" + conflist.path("name").asText() + ".conflist", conflist.toPrettyString());
    }

    /** Installs the recording plugin ({@value Recorder#TYPE}) into the host's private {@code /usr/lib/cni}. */
    public static Recorder recorder(ClientHost host) {
        try (InputStream in = Cni.class.getResourceAsStream("cni-recorder.py")) {
            host.write("/usr/lib/cni/" + Recorder.TYPE, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            Files.setPosixFilePermissions(host.inside("/usr/lib/cni/" + Recorder.TYPE), PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Recorder(host.workDir().resolve("cni-calls.jsonl"));
    }

    /** The recording plugin: chain {@link #plugin()} last; {@link #calls()} lists what it saw. */
    public record Recorder(Path log) {
        public static final String TYPE = "nlbt-recorder";

        /**
         * The plugin object to put into a conflist's {@code plugins}. It declares the well-known capabilities, so
         * the runtime shows it the {@code runtimeConfig} it would give a plugin that wants them.
         */
        public ObjectNode plugin() {
            ObjectNode p = JSON.createObjectNode().put("type", TYPE).put("log", log.toString());
            ObjectNode caps = p.putObject("capabilities");
            for (String c : List.of("portMappings", "ips", "mac", "aliases", "dns")) caps.put(c, true);
            return p;
        }

        /** Every call so far: {@code {"command", "env": {CNI_*}, "config": {...}}}, oldest first. */
        public List<JsonNode> calls() {
            List<JsonNode> calls = new ArrayList<>();
            try {
                if (!Files.exists(log)) return calls;
                for (String line : Files.readAllLines(log)) {
                    if (!line.isBlank()) calls.add(JSON.readTree(line));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return calls;
        }

        /** The calls of one command (ADD, DEL, ...). */
        public List<JsonNode> calls(String command) {
            return calls().stream().filter(c -> c.path("command").asText().equals(command)).toList();
        }
    }
}
