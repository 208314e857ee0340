package org.nlbridge.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

import org.junit.jupiter.api.Test;

/**
 * The packages of dsl/ depend on each other one way: cli on daemon, client and dsl; daemon on daemon.http and client;
 * daemon.http on client; cni on client; client and dsl on none of them. The client API, which other front ends (the CNI and Docker
 * plugins) link, needs neither Groovy, picocli nor the kernel-facing layers. Read from the compiled classes with jdeps.
 */
class FrontEndPackagesTest {

    /** Package → the packages its classes refer to, for dsl's main classes. */
    static Map<String, Set<String>> dependencies() throws URISyntaxException {
        Path classes = Path.of(ApiJson.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        StringWriter out = new StringWriter();
        int rc = ToolProvider.findFirst("jdeps").orElseThrow().run(new PrintWriter(out), new PrintWriter(out),
                "-verbose:package", "-filter:none", classes.toString());
        assertEquals(0, rc, out.toString());
        Map<String, Set<String>> deps = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\s+(\\S+)\\s+->\\s+(\\S+)").matcher(out.toString());
        while (m.find()) deps.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
        return deps;
    }

    private static final List<String> GROOVY = List.of("groovy.", "org.codehaus.groovy.");
    private static final List<String> KERNEL = List.of("org.nlbridge.bindings", "org.nlbridge.netlink",
            "org.nlbridge.netns", "org.nlbridge.rtnl", "org.nlbridge.nft", "org.nlbridge.monitor");

    private static List<String> offending(Map<String, Set<String>> deps, String from, List<String> forbidden) {
        return deps.getOrDefault(from, Set.of()).stream()
                .filter(to -> forbidden.stream().anyMatch(f -> to.equals(f) || to.startsWith(f.endsWith(".") ? f : f + ".")))
                .toList();
    }

    @Test
    void theCheckSeesRealDependencies() throws Exception {
        assertEquals(List.of("org.nlbridge.client"), offending(dependencies(), "org.nlbridge.cli", List.of("org.nlbridge.client")));
        assertEquals(List.of("groovy.lang"), offending(dependencies(), "org.nlbridge.dsl", List.of("groovy.lang")));
    }

    @Test
    void packagesDependOneWay() throws Exception {
        Map<String, Set<String>> deps = dependencies();
        assertTrue(deps.keySet().containsAll(List.of("org.nlbridge.cli", "org.nlbridge.client", "org.nlbridge.daemon",
                "org.nlbridge.daemon.http", "org.nlbridge.dsl")), deps.keySet().toString());
        List<String> frontEnds = List.of("org.nlbridge.cli", "org.nlbridge.daemon", "org.nlbridge.dsl", "picocli");
        assertEquals(List.of(), offending(deps, "org.nlbridge.client", frontEnds));
        assertEquals(List.of(), offending(deps, "org.nlbridge.client", GROOVY));
        assertEquals(List.of(), offending(deps, "org.nlbridge.client", KERNEL));
        for (String daemon : List.of("org.nlbridge.daemon", "org.nlbridge.daemon.http")) {
            assertEquals(List.of(), offending(deps, daemon, List.of("org.nlbridge.cli", "org.nlbridge.dsl", "picocli")));
            assertEquals(List.of(), offending(deps, daemon, GROOVY));
        }
        assertFalse(deps.get("org.nlbridge.daemon.http").contains("org.nlbridge.daemon"), "the server knows no routes");
        // the Docker plugin is served by the daemon and edits its desired state through an interface of its own
        assertEquals(List.of(), offending(deps, "org.nlbridge.dockerplugin", List.of("org.nlbridge.cli",
                "org.nlbridge.dsl", "picocli")));
        assertFalse(deps.get("org.nlbridge.dockerplugin").contains("org.nlbridge.daemon"), "only the server, not the daemon");
        assertEquals(List.of(), offending(deps, "org.nlbridge.dockerplugin", GROOVY));
        assertEquals(List.of(), offending(deps, "org.nlbridge.dockerplugin", KERNEL));
        assertEquals(List.of(), offending(deps, "org.nlbridge.dsl", List.of("org.nlbridge.cli", "org.nlbridge.daemon",
                "org.nlbridge.client", "picocli")));
        // the CNI front end: its protocol on the client API (the daemon serves it); its executable on java.base alone
        assertEquals(List.of(), offending(deps, "org.nlbridge.cni", List.of("org.nlbridge.cli", "org.nlbridge.daemon",
                "org.nlbridge.dsl", "picocli")));
        assertEquals(List.of(), offending(deps, "org.nlbridge.cni", GROOVY));
        assertEquals(List.of(), offending(deps, "org.nlbridge.cni", KERNEL));
        assertEquals(List.of(), deps.get("org.nlbridge.cni.shim").stream()
                .filter(p -> !p.startsWith("java.") && !p.equals("org.nlbridge.cni.shim")).toList());
    }
}
