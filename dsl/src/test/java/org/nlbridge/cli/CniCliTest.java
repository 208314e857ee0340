package org.nlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nlbridge cni install} and {@code nlbridge cni conflist}. */
class CniCliTest {

    @TempDir
    Path tmp;

    @Test
    void conflistWithTheNetworkKeys() {
        CliRun.Result r = new CliRun().run("cni", "conflist", "pods", "--socket", "unix:///run/nlb.sock", "bridge=nlb0",
                "bip=10.88.0.1/16", "mtu=1400", "icc=false");
        assertEquals(0, r.code(), r.err());
        assertEquals("""
                {
                  "cniVersion": "1.0.0",
                  "cniVersions": ["0.4.0", "1.0.0", "1.1.0"],
                  "name": "pods",
                  "plugins": [{
                    "type": "nlbridge",
                    "socket": "unix:///run/nlb.sock",
                    "bridge": "nlb0",
                    "bip": "10.88.0.1/16",
                    "mtu": 1400,
                    "icc": false,
                    "capabilities": {
                      "portMappings": true,
                      "ips": true,
                      "mac": true,
                      "aliases": true
                    }
                  }]
                }
                """, r.out());
    }

    @Test
    void conflistRefusesWhatAnAddWould() {
        CliRun.Result r = new CliRun().run("cni", "conflist", "pods", "bip=10.88.0.300/16");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("nlbridge: invalid network pods: bip \"10.88.0.300/16\": "), r.err());
        r = new CliRun().run("cni", "conflist", "pods", "bipp=10.88.0.1/16");
        assertEquals("nlbridge: invalid network key \"bipp=10.88.0.1/16\": unknown key; expected KEY=VALUE with a key of driver,"
                + " bridge, useBridge, bip, fixedCidr, fixedCidrV6, mtu, icc, ipMasq, ipForward, internal, firewall, macFromIp,"
                + " gatewayMode, gatewayModeV6, hostBindingIp,"
                + " subnet, vni, defaultRoute or spoofCheck (dns: edit the conflist)\n", r.err());
        r = new CliRun().run("cni", "conflist", "pods", "vni=x");
        assertEquals("nlbridge: invalid vni \"x\": not a whole number; expected a whole number, like 4097\n", r.err());
        r = new CliRun().run("cni", "conflist", "pods", "icc=no");
        assertEquals("nlbridge: invalid icc \"no\": not a boolean; expected true or false\n", r.err());
        r = new CliRun().run("cni", "conflist", "pods", "--socket", "tcp://127.0.0.1:1");
        assertEquals("nlbridge: invalid --socket \"tcp://127.0.0.1:1\": not a Unix socket; expected unix:///absolute/path.sock\n", r.err());
        r = new CliRun().run("cni", "conflist", "pods", "--cni-version", "0.2.0");
        assertTrue(r.err().startsWith("nlbridge: incompatible CNI versions: cniVersion \"0.2.0\" is not supported"), r.err());
    }

    @Test
    void installWritesOneExecutableAndItsAotCache() throws Exception {
        CliRun.Result r = new CliRun().run("cni", "install", "--no-aot", tmp.resolve("bin").toString());
        assertEquals(0, r.code(), r.err());
        Path plugin = tmp.resolve("bin/nlbridge");
        String java = Path.of(System.getProperty("java.home"), "bin/java").toString();
        assertEquals("installed " + plugin + " (runs " + java + ")\n", r.out());
        assertTrue(Files.isExecutable(plugin));
        try (var files = Files.list(tmp.resolve("bin"))) {
            assertEquals(1, files.count(), "nothing but the plugin");
        }
        r = new CliRun().run("cni", "install", tmp.resolve("bin").toString());
        assertEquals("installed " + plugin + " (runs " + java + "); AOT cache " + plugin + ".aot\n", r.out());
        // the cache maps (AOTMode=on refuses to start otherwise) for the plugin's class path and options
        ProcessBuilder pb = new ProcessBuilder(java, "-XX:AOTCache=" + plugin + ".aot", "-XX:AOTMode=on", "-Xint",
                "-XX:+UseSerialGC", "-XX:-UsePerfData", "-cp", plugin.toString(), "org.nlbridge.cni.shim.CniShim")
                .redirectErrorStream(true);
        pb.environment().put("CNI_COMMAND", "VERSION");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.startsWith("{\"cniVersion\":\"1.1.0\""), out);
    }
}
