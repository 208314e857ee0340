package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nlbridge.client.DaemonAddress;
import org.nlbridge.testing.MemoryEngine;

/** The HTTP/1.1 server is strict: each malformed or ambiguous request gets its status and the connection ends. */
class HttpWireTest {

    private Path dir;
    private Daemon daemon;
    private Path sock;

    @BeforeEach
    void start() throws IOException {
        dir = Files.createTempDirectory("nlbridge-http-");
        sock = dir.resolve("d.sock");
        daemon = Daemon.withoutMonitor(new MemoryEngine());
        daemon.listen(DaemonAddress.parse("-H", "unix://" + sock), null, null);
    }

    @AfterEach
    void stop() throws IOException {
        daemon.close();
        Raw.deleteTree(dir);
    }

    private String send(String raw) throws IOException {
        return Raw.exchange(sock, raw);
    }

    /** The same request, closing the connection after it (so the reader need not wait for silence). */
    private String once(String raw) throws IOException {
        return Raw.exchange(sock, raw.replaceFirst("Host: x\r\n", "Host: x\r\nConnection: close\r\n"));
    }

    private static void status(int want, String response) {
        assertTrue(response.startsWith("HTTP/1.1 " + want + " "), "expected " + want + " in:\n" + response);
    }

    @Test
    void wellFormedRequestsWork() throws IOException {
        String r = once("GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n");
        status(200, r);
        assertTrue(r.endsWith("\r\n\r\nOK"), r);
        // two requests on one connection (keep-alive), the second closing it
        r = send("GET /v1/_ping HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(2, r.split("HTTP/1.1 200 OK").length - 1, r);
        assertTrue(r.contains("\"apiVersion\":\"1\""), r);
        // Expect: 100-continue is answered before the body is read
        String body = "{\"networks\":[],\"containers\":[]}";
        r = once("POST /v1/plan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body);
        assertTrue(r.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK"), r);
        assertTrue(r.endsWith("{\"changes\":[]}"), r);
    }

    @Test
    void malformedRequestsAreRefused() throws IOException {
        for (var c : List.of(
                new Object[]{400, "GET /_ping HTTP/1.1\nHost: x\n\n"},                           // bare LF
                new Object[]{400, "GET /_ping HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n"},          // obs-fold
                new Object[]{400, "GET /_ping HTTP/1.1\r\n\r\n"},                                 // no Host
                new Object[]{400, "GET /_ping HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"},           // two Hosts
                new Object[]{505, "GET /_ping HTTP/1.0\r\nHost: x\r\n\r\n"},
                new Object[]{400, "GET  /_ping HTTP/1.1\r\nHost: x\r\n\r\n"},                    // two spaces
                new Object[]{400, "GET _ping HTTP/1.1\r\nHost: x\r\n\r\n"},                      // not a path
                new Object[]{400, "GET /_ping HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n"},
                new Object[]{400, "POST /v1/plan HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}"},
                new Object[]{400, "POST /v1/plan HTTP/1.1\r\nHost: x\r\nContent-Length: +2\r\n\r\n{}"},
                new Object[]{400, "POST /v1/plan HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n"},
                new Object[]{501, "POST /v1/plan HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
                new Object[]{413, "POST /v1/plan HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n"},
                new Object[]{417, "POST /v1/plan HTTP/1.1\r\nHost: x\r\nExpect: something\r\nContent-Length: 0\r\n\r\n"},
                new Object[]{400, "GET /v1/containers/%zz HTTP/1.1\r\nHost: x\r\n\r\n"},
                new Object[]{431, "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n"})) {
            String r = send((String) c[1]);
            status((Integer) c[0], r);
            assertTrue(r.contains("Connection: close") && r.contains("{\"message\":"), r);
        }
    }

    @Test
    void apiErrorsAreJsonWithStatus() throws IOException {
        status(404, once("GET /v2/status HTTP/1.1\r\nHost: x\r\n\r\n"));
        String r = once("DELETE /v1/status HTTP/1.1\r\nHost: x\r\n\r\n");
        status(405, r);
        assertTrue(r.contains("{\"message\":\"method DELETE is not allowed here; use GET\"}"), r);
        r = once("POST /v1/plan HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}");
        status(415, r);
        r = once("POST /v1/plan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1\r\n\r\n{");
        status(400, r);
        assertTrue(r.contains("not valid JSON"), r);
        r = once("GET /v1/containers/nope HTTP/1.1\r\nHost: x\r\n\r\n");
        status(404, r);
        assertTrue(r.endsWith("{\"message\":\"no such container: nope\"}"), r);
    }
}
