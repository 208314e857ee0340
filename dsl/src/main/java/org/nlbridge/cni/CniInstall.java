package org.nlbridge.cni;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.nlbridge.cni.shim.CniShim;

/**
 * {@code nlbridge cni install DIR}: writes the plugin executable {@code DIR/nlbridge}, one self-contained file: a
 * {@code /bin/sh} stub that runs the JDK this install runs on, followed by a jar holding the plugin's few classes
 * (java.base only). The JVM reads a jar behind a prefix, so the file is its own class path: nothing of the source
 * checkout, Maven or nlbridge's other jars is needed when a runtime calls it.
 *
 * <p>An AOT cache ({@code DIR/nlbridge.aot}, JDK 25's {@code -XX:AOTCache}) is used when one is there and left out
 * otherwise; {@link #trainAot} makes one. The stub turns the JVM's own logging off, so no warning of a stale cache or
 * class-data archive can end up on stdout, where the runtime reads the result.
 */
public final class CniInstall {
    private CniInstall() {}

    /** The plugin's classes, all of {@code org.nlbridge.cni.shim} (a test checks the list is complete). */
    static final List<String> SHIM_CLASSES = List.of("CniShim.class", "CniShim$Response.class", "Json.class");

    /**
     * The JVM options of every call: start-up is all there is to a call (a millisecond of Java code), so no JIT at
     * all ({@code -Xint}: measured 20 % less CPU than C1 alone), no GC threads, no perf file, and no JVM log lines
     * (they would go to stdout). {@code -Xshare} must not be given: it excludes {@code -XX:AOTCache}.
     */
    static final String JVM_OPTIONS = "-Xint -XX:+UseSerialGC -XX:-UsePerfData -Xlog:disable -Xlog:all=off";

    /** Writes {@code dir/nlbridge} for the JDK at {@code javaHome}; returns its path. */
    public static Path install(Path dir, Path javaHome) {
        Path java = javaHome.resolve("bin/java");
        if (!Files.isExecutable(java)) {
            throw new IllegalArgumentException("no executable java in " + javaHome + " (the plugin runs on the JDK it was installed with)");
        }
        try {
            Files.createDirectories(dir);
            Path target = dir.resolve(CniConfig.TYPE);
            Path tmp = dir.resolve("." + CniConfig.TYPE + ".tmp");
            Files.deleteIfExists(tmp);
            byte[] stub = stub(java).getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            file.write(stub);
            file.write(jar());
            Files.write(tmp, file.toByteArray());
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(aotCache(target)); // made for the file it replaces
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the CNI plugin in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Where the stub looks for an AOT cache. */
    public static Path aotCache(Path plugin) {
        return plugin.resolveSibling(plugin.getFileName() + ".aot");
    }

    /**
     * Makes {@code plugin}'s AOT cache (JDK 25, JEP 483/514): runs it once as an ADD against a stand-in daemon on a
     * socket in a temporary directory, so the cache holds every class a real call loads (sockets, HTTP, base64).
     * A JDK without AOT caches fails here and the plugin simply runs without one.
     */
    public static Path trainAot(Path plugin, Path javaHome) throws IOException, InterruptedException {
        Path cache = aotCache(plugin);
        Path tmp = Files.createTempDirectory("nlbridge-cni-aot");
        Path sock = tmp.resolve("d.sock");
        try (StandInDaemon daemon = StandInDaemon.listen(sock)) {
            List<String> cmd = new java.util.ArrayList<>(List.of(javaHome.resolve("bin/java").toString(),
                    "-XX:AOTCacheOutput=" + cache));
            cmd.addAll(List.of(JVM_OPTIONS.split(" ")));
            cmd.addAll(List.of("-cp", plugin.toString(), CniShim.class.getName()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("training.log").toFile());
            pb.environment().put("CNI_COMMAND", "ADD");
            pb.environment().put("CNI_CONTAINERID", "aot-training");
            pb.environment().put("CNI_NETNS", "/run/netns/aot-training");
            pb.environment().put("CNI_IFNAME", "eth0");
            pb.environment().put("CNI_PATH", plugin.getParent().toString());
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                in.write(("{\"cniVersion\":\"1.0.0\",\"name\":\"aot\",\"type\":\"nlbridge\",\"socket\":\"unix://" + sock
                        + "\"}").getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("training the AOT cache took more than 120 s");
            }
            if (p.exitValue() != 0 || !Files.exists(cache) || daemon.calls() == 0) {
                Files.deleteIfExists(cache);
                throw new IOException("training the AOT cache failed (exit " + p.exitValue() + "): "
                        + Files.readString(tmp.resolve("training.log")).strip());
            }
            return cache;
        } finally {
            try (var files = Files.list(tmp)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(tmp);
        }
    }

    static String stub(Path java) {
        String j = shellQuote(java.toString());
        String main = CniShim.class.getName();
        return "#!/bin/sh\n"
                + "# nlbridge CNI plugin (type \"nlbridge\"), written by 'nlbridge cni install': it forwards each call to the\n"
                + "# nlbridge daemon (network config key \"socket\", default unix:///run/nlbridge.sock) and prints its answer.\n"
                + "# Its classes are the jar appended to this file; it needs only this JDK:\n"
                + "j=" + j + "\n"
                + "if [ -f \"$0.aot\" ]; then exec \"$j\" -XX:AOTCache=\"$0.aot\" " + JVM_OPTIONS + " -cp \"$0\" " + main + " \"$@\"; fi\n"
                + "exec \"$j\" " + JVM_OPTIONS + " -cp \"$0\" " + main + " \"$@\"\n";
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** A jar of the plugin's classes, read from this process's own class path. */
    static byte[] jar() throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, CniShim.class.getName());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out, m)) {
            String dir = CniShim.class.getPackageName().replace('.', '/') + "/";
            for (String c : SHIM_CLASSES) {
                try (InputStream in = CniShim.class.getResourceAsStream(c)) {
                    if (in == null) throw new IOException("class " + dir + c + " not found on the class path");
                    JarEntry e = new JarEntry(dir + c);
                    e.setTime(0); // the same classes make the same bytes
                    jar.putNextEntry(e);
                    in.transferTo(jar);
                    jar.closeEntry();
                }
            }
        }
        return out.toByteArray();
    }
}
