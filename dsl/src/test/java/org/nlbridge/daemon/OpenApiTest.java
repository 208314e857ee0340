package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nlbridge.client.DaemonAddress;
import org.nlbridge.client.HttpClient;
import org.nlbridge.testing.MemoryEngine;

/** openapi.yaml and the server agree: every documented path and method is served (none is "no such path"). */
class OpenApiTest {

    record Route(String method, String path) {}

    static List<Route> documented() throws IOException {
        String text;
        try (InputStream in = OpenApiTest.class.getResourceAsStream("/openapi.yaml")) {
            assertNotNull(in, "openapi.yaml is on the classpath");
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Route> out = new ArrayList<>();
        String path = null;
        boolean inPaths = false;
        for (String line : text.split("\n")) {
            if (line.equals("paths:")) inPaths = true;
            else if (!line.startsWith(" ") && !line.isEmpty()) inPaths = false;
            if (!inPaths) continue;
            if (line.startsWith("  /") && line.endsWith(":")) path = line.strip().replace(":", "");
            String m = line.strip();
            if (line.startsWith("    ") && !line.startsWith("     ") && List.of("get:", "post:", "put:", "delete:").contains(m)) {
                out.add(new Route(m.replace(":", "").toUpperCase(java.util.Locale.ROOT), path));
            }
        }
        return out;
    }

    @Test
    void everyDocumentedRouteIsServed() throws IOException {
        List<Route> routes = documented();
        assertEquals(24, routes.size(), routes.toString());
        Path dir = Files.createTempDirectory("nlbridge-openapi-");
        Daemon d = Daemon.withoutMonitor(new MemoryEngine());
        try {
            DaemonAddress a = DaemonAddress.parse("-H", "unix://" + dir.resolve("s.sock"));
            d.listen(a, null, null);
            for (Route r : routes) {
                if (r.path().equals("/v1/events")) continue; // a stream: DaemonApiTest follows it
                try (HttpClient c = HttpClient.connect(a, null)) {
                    boolean body = !r.method().equals("GET") && !r.method().equals("DELETE");
                    var resp = c.send(r.method(), r.path().replace("{name}", "x"), body ? "application/json" : null,
                            body ? "{}".getBytes(StandardCharsets.UTF_8) : null);
                    assertFalse(resp.text().contains("no such API path") || resp.status() == 405, r + ": " + resp.status() + " " + resp.text());
                    assertTrue(resp.status() < 500, r + ": " + resp.status() + " " + resp.text());
                }
            }
        } finally {
            d.close();
            Raw.deleteTree(dir);
        }
    }
}
