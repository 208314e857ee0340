package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nlbridge.client.DaemonAddress;
import org.nlbridge.client.DaemonException;
import org.nlbridge.client.HttpClient;
import org.nlbridge.client.RemoteEngine;
import org.nlbridge.net.tls.Tls;
import org.nlbridge.testing.MemoryEngine;

/** {@code -H tcp://} is served only with mutual TLS: no client certificate, or one from another CA, gets nowhere. */
class TlsTest {

    private Path dir;

    @BeforeEach
    void certificates() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "needs openssl to make test certificates");
        dir = Files.createTempDirectory("nlbridge-tls-");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\n");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        for (String ca : List.of("ca", "other-ca")) {
            run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", ca + "-key.pem", "-out", ca + ".pem", "-days", "2", "-subj", "/CN=" + ca);
        }
        cert("server", "ca");
        cert("client", "ca");
        cert("stranger", "other-ca");
    }

    private void cert(String name, String ca) throws Exception {
        run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + "-key.pem",
                "-out", name + ".csr", "-subj", "/CN=" + name);
        run("openssl", "x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + "-key.pem",
                "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile",
                (name.equals("server") ? "server" : "client") + ".ext");
    }

    private void run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new AssertionError(String.join(" ", argv) + ": " + out);
    }

    @AfterEach
    void clean() throws IOException {
        if (dir != null) Raw.deleteTree(dir);
    }

    private Tls tls(String name, String ca) {
        return new Tls(dir.resolve(ca + ".pem"), dir.resolve(name + ".pem"), dir.resolve(name + "-key.pem"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void onlyClientsWithACertificateOfTheCaGetIn() throws Exception {
        MemoryEngine engine = new MemoryEngine();
        Daemon d = Daemon.withoutMonitor(engine);
        try {
            DaemonAddress addr = DaemonAddress.parse("-H", "tcp://127.0.0.1:" + freePort());
            d.listen(addr, null, tls("server", "ca"));
            try (RemoteEngine r = RemoteEngine.connect(addr, tls("client", "ca"))) {
                assertEquals(0, r.status().networks().size());
            }
            var stranger = assertThrows(DaemonException.class, () -> RemoteEngine.connect(addr, tls("stranger", "ca")));
            assertTrue(stranger.getMessage().startsWith("cannot connect to the nlbridge daemon at " + addr), stranger.getMessage());
            // a client with no certificate at all: TLS with a trust store only
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
            var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            var ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            try (var in = Files.newInputStream(dir.resolve("ca.pem"))) {
                ks.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            tmf.init(ks);
            ctx.init(null, tmf.getTrustManagers(), null);
            try (var s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", addr.port())) {
                s.setSoTimeout(5000);
                // TLS 1.3: the refusal of the missing certificate comes after the client's handshake, at its first
                // write (broken pipe) or read (the alert), whichever meets it first
                assertThrows(IOException.class, () -> {
                    s.startHandshake();
                    s.getOutputStream().write("GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                    s.getOutputStream().flush();
                    int b = s.getInputStream().read();
                    if (b < 0) throw new IOException("closed without an answer");
                });
            }
        } finally {
            d.close();
        }
    }

    /** An event stream's answer head over TLS from {@code local} (bound to that loopback address): its status line. */
    private String stream(DaemonAddress addr, String local, List<java.net.Socket> keep) throws Exception {
        var s = (javax.net.ssl.SSLSocket) tls("client", "ca").context().getSocketFactory()
                .createSocket("127.0.0.1", addr.port(), java.net.InetAddress.getByName(local), 0);
        keep.add(s);
        s.setSoTimeout(15_000);
        s.getOutputStream().write("GET /v1/events HTTP/1.1\r\nHost: nlbridge\r\n\r\n".getBytes());
        s.getOutputStream().flush();
        StringBuilder head = new StringBuilder();
        var in = s.getInputStream();
        while (head.indexOf("\r\n\r\n") < 0) {
            int b = in.read();
            if (b < 0) break;
            head.append((char) b);
        }
        if (head.indexOf(" 503 ") > 0) { // the message follows the head
            byte[] body = new byte[4096];
            int n = in.read(body);
            if (n > 0) head.append(new String(body, 0, n));
        }
        return head.toString();
    }

    /** Over TCP a client is its address: one address at its limit leaves another address's budget alone. */
    @Test
    void perClientBudgetsCountByAddress() throws Exception {
        org.nlbridge.daemon.http.Limits d = org.nlbridge.daemon.http.Limits.DEFAULTS;
        Daemon daemon = Daemon.withoutMonitor(new MemoryEngine(), new org.nlbridge.daemon.http.Limits(d.connections(),
                d.connectionsPerClient(), d.requests(), d.requestsPerClient(), d.streams(), 2, d.reserved(),
                d.headerTimeout(), d.bodyTimeout(), d.idleTimeout(), d.writeTimeout(), d.backlog()));
        List<java.net.Socket> keep = new java.util.ArrayList<>();
        try {
            DaemonAddress addr = DaemonAddress.parse("-H", "tcp://127.0.0.1:" + freePort());
            daemon.listen(addr, null, tls("server", "ca"));
            assertTrue(stream(addr, "127.0.0.2", keep).startsWith("HTTP/1.1 200 "));
            assertTrue(stream(addr, "127.0.0.2", keep).startsWith("HTTP/1.1 200 "));
            String refused = stream(addr, "127.0.0.2", keep);
            assertTrue(refused.startsWith("HTTP/1.1 503 ") && refused.endsWith("{\"message\":\"too many event streams"
                    + " from address 127.0.0.2: 2 open (--max-streams-per-client 2)\"}"), refused);
            assertTrue(stream(addr, "127.0.0.1", keep).startsWith("HTTP/1.1 200 "), "another address has its own budget");
        } finally {
            for (java.net.Socket s : keep) s.close();
            daemon.close();
        }
    }

    @Test
    void tcpWithoutTlsIsRefusedBeforeAnythingStarts() {
        var e = assertThrows(UnixListener.RefusedException.class, () -> Daemon.start(new Daemon.Options(
                List.of(DaemonAddress.parse("-H", "tcp://127.0.0.1:2376")), null, null, null, dir.resolve("state"), 0,
                Duration.ofMillis(100)), o -> {
                    throw new AssertionError("the engine must not be opened");
                }));
        assertEquals("refusing to listen on tcp://127.0.0.1:2376 without mutual TLS: give --tlscacert, --tlscert and"
                + " --tlskey (the API is root on this host)", e.getMessage());
        assertTrue(!Files.exists(dir.resolve("state")));
        assertThrows(IOException.class, () -> HttpClient.connect(DaemonAddress.parse("-H", "tcp://127.0.0.1:2376"), null));
    }
}
