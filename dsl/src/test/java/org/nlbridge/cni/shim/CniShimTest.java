package org.nlbridge.cni.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

import org.junit.jupiter.api.Test;

/**
 * The plugin executable's code: java.base only, no {@code invokedynamic} (lambdas, string concatenation and records
 * bootstrap method handles at first use, which a process started once per CNI call cannot afford), its little JSON and
 * HTTP, and what it answers without a daemon.
 */
class CniShimTest {

    static Path packageDir() throws URISyntaxException {
        Path classes = Path.of(CniShim.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return classes.resolve(CniShim.class.getPackageName().replace('.', '/'));
    }

    /** Read with javap (the ClassFile API is a preview in the release the project compiles for). */
    @Test
    void classesUseJavaBaseOnlyAndNoInvokedynamic() throws Exception {
        List<String> problems = new ArrayList<>();
        Pattern cls = Pattern.compile("= Class\\s+(\\S+)");
        try (var files = Files.list(packageDir())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                StringWriter out = new StringWriter();
                int rc = ToolProvider.findFirst("javap").orElseThrow().run(new PrintWriter(out), new PrintWriter(out),
                        "-v", f.toString());
                assertEquals(0, rc, out.toString());
                String text = out.toString();
                assertTrue(text.contains("Constant pool:"), text);
                if (text.contains("InvokeDynamic")) problems.add(f.getFileName() + ": invokedynamic");
                Matcher m = cls.matcher(text);
                while (m.find()) {
                    String n = m.group(1).replaceAll("^\\[+L?|;$", "").replace('"', ' ').strip();
                    if (!n.contains("/")) continue;
                    String pkg = n.substring(0, n.lastIndexOf('/')).replace('/', '.');
                    if (!pkg.equals(CniShim.class.getPackageName()) && !Object.class.getModule().getPackages().contains(pkg)) {
                        problems.add(f.getFileName() + ": refers to " + n + ", outside java.base");
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void topLevelStringsOnly() {
        byte[] doc = ("{\"name\":\"n\",\"prevResult\":{\"cniVersion\":\"0.4.0\",\"socket\":\"x\"},\"list\":[\"socket\",{\"a\":[1,2]}],"
                + "\"n\":-1.5e3,\"t\":true,\"cniVersion\":\"1.0.0\",\"socket\":\"unix:///a\\/b \\u0041\"}").getBytes(StandardCharsets.UTF_8);
        assertEquals("1.0.0", Json.topLevelString(doc, "cniVersion"));
        assertEquals("unix:///a/b A", Json.topLevelString(doc, "socket"));
        assertNull(Json.topLevelString(doc, "missing"));
        assertNull(Json.topLevelString(doc, "t"));
        assertNull(Json.topLevelString("not json".getBytes(StandardCharsets.UTF_8), "cniVersion"));
        assertNull(Json.topLevelString("{\"cniVersion\":\"1.0".getBytes(StandardCharsets.UTF_8), "cniVersion"));
        assertNull(Json.topLevelString(new byte[0], "cniVersion"));
        StringBuilder b = new StringBuilder();
        Json.quote(b, "a\"b\\c\n\u0001é");
        assertEquals("\"a\\\"b\\\\c\\n\\u0001é\"", b.toString());
    }

    private static String run(Map<String, String> env, String stdin) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = CniShim.run(env, stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8), out);
        return rc + " " + out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void versionIsAnsweredWithoutADaemon() throws IOException {
        assertEquals("0 {\"cniVersion\":\"0.4.0\",\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}\n",
                run(Map.of("CNI_COMMAND", "VERSION"), "{\"cniVersion\":\"0.4.0\"}"));
        // podman probes with dummy values; an unknown or absent version is answered with the latest
        assertTrue(run(Map.of("CNI_COMMAND", "VERSION", "CNI_NETNS", "dummy"), "").startsWith("0 {\"cniVersion\":\"1.1.0\""));
        assertTrue(run(Map.of("CNI_COMMAND", "VERSION"), "{\"cniVersion\":\"9.9.9\"}").startsWith("0 {\"cniVersion\":\"1.1.0\""));
    }

    @Test
    void daemonDownIsTryAgainLaterAndStatusNotAvailable() throws IOException {
        String cfg = "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"nlbridge\",\"socket\":\"unix:///nonexistent/nlbridge-test.sock\"}";
        String add = run(Map.of("CNI_COMMAND", "ADD"), cfg);
        assertTrue(add.startsWith("1 {\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"the nlbridge daemon at"
                + " unix:///nonexistent/nlbridge-test.sock cannot be reached: "), add);
        String status = run(Map.of("CNI_COMMAND", "STATUS"), cfg.replace("1.0.0", "1.1.0"));
        assertTrue(status.startsWith("1 {\"cniVersion\":\"1.1.0\",\"code\":50,"), status);
        assertEquals("1 {\"cniVersion\":\"1.1.0\",\"code\":7,\"msg\":\"invalid network config: socket \\\"tcp://1.2.3.4:1\\\": not a unix://"
                + " address\",\"details\":\"the CNI plugin reaches the daemon over a Unix socket: unix:///absolute/path.sock"
                + " (default unix:///run/nlbridge.sock)\"}\n",
                run(Map.of("CNI_COMMAND", "DEL"), "{\"cniVersion\":\"1.1.0\",\"socket\":\"tcp://1.2.3.4:1\"}"));
        assertTrue(run(Map.of("CNI_COMMAND", "ADD"), null).startsWith("1 {\"cniVersion\":\"1.1.0\",\"code\":5,"));
    }

    @Test
    void requestBodyCarriesTheCniEnvironmentAndStdin() {
        String body = new String(CniShim.requestBody(Map.of("CNI_COMMAND", "ADD", "CNI_ARGS", "A=\"b\"", "PATH", "/bin",
                "HOME", "/root"), "{}".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        assertEquals("{\"env\":{\"CNI_ARGS\":\"A=\\\"b\\\"\",\"CNI_COMMAND\":\"ADD\"},\"stdin\":\"e30=\"}", body);
    }

    @Test
    void responses() throws IOException {
        CniShim.Response r = CniShim.parse(("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nCni-Error: 7\r\n"
                + "Content-Length: 2\r\n\r\n{}extra").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(400, r.status);
        assertTrue(r.cniError);
        assertEquals("{}", new String(r.body, StandardCharsets.UTF_8));
        r = CniShim.parse("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it".getBytes(StandardCharsets.ISO_8859_1));
        assertFalse(r.cniError);
        assertEquals("all of it", new String(r.body, StandardCharsets.UTF_8));
        // a full request budget (asked again) and a daemon going down (not)
        assertTrue(CniShim.parse("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1)).busy);
        assertFalse(CniShim.parse("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1)).busy);
        // asked again when the daemon says (seconds), 1 s if it says something else
        assertEquals(3000, CniShim.parse("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 3\r\nContent-Length: 0\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1)).retryAfterMillis);
        assertEquals(1000, CniShim.parse(("HTTP/1.1 503 Service Unavailable\r\nRetry-After: Wed, 21 Oct 2026 07:28:00 GMT\r\n"
                + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)).retryAfterMillis);
        assertThrows(IOException.class, () -> CniShim.parse("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertThrows(IOException.class, () -> CniShim.parse("SSH-2.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertThrows(IOException.class, () -> CniShim.parse("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort"
                .getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void theInstalledClassListIsThePackage() throws Exception {
        TreeSet<String> have = new TreeSet<>();
        try (var files = Files.list(packageDir())) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class")).forEach(have::add);
        }
        assertEquals(have, new TreeSet<>(org.nlbridge.cni.CniInstallAccess.shimClasses()));
    }
}
