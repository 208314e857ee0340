package org.nlbridge.testing.clients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.nlbridge.testing.Cmd;

/**
 * A container image made offline from the machine's busybox-static: every applet as a link ({@code sh}, {@code ip},
 * {@code ping}, {@code wget}, {@code nc}, {@code httpd}, {@code nslookup}, ...), {@code /etc/passwd}, and a web root
 * {@code /www} for {@code httpd -h /www}: {@code /index.html} says {@value #INDEX}, {@code /cgi-bin/peer} answers
 * the client's address as the container sees it ({@code REMOTE_ADDR}, IPv4 without the {@code ::ffff:} prefix:
 * whether a published port kept the source).
 * Written as a docker-archive ({@code manifest.json}, config, one layer), which {@code docker load},
 * {@code podman load} and {@code ctr images import} all read, under the name {@value #REF}.
 */
final class BusyboxImage {
    static final String REF = "localhost/busybox:nlbt";
    static final String INDEX = "nlbt busybox httpd";
    static final Path BUSYBOX = Path.of("/bin/busybox");

    private BusyboxImage() {}

    /** Builds the archive in {@code dir} (created) and returns it. */
    static Path build(Path dir) {
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX), "needs /bin/busybox (Debian busybox-static) for the test image");
        try {
            byte[] elf = Files.readAllBytes(BUSYBOX);
            Assumptions.assumeFalse(new String(elf, 0, Math.min(elf.length, 8192), StandardCharsets.ISO_8859_1).contains("ld-linux"),
                    "/bin/busybox is dynamically linked: install busybox-static for the test image");
            Path rootfs = dir.resolve("rootfs");
            Path bin = rootfs.resolve("bin");
            Files.createDirectories(bin);
            Files.copy(BUSYBOX, bin.resolve("busybox"));
            for (String applet : Cmd.run(null, BUSYBOX.toString(), "--list").split("\n")) {
                if (!applet.isBlank() && !applet.equals("busybox")) Files.createSymbolicLink(bin.resolve(applet.strip()), Path.of("busybox"));
            }
            for (String d : List.of("etc", "root", "proc", "sys", "dev", "www/cgi-bin")) Files.createDirectories(rootfs.resolve(d));
            Files.createDirectories(rootfs.resolve("tmp"));
            Files.setPosixFilePermissions(rootfs.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
            Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
            Files.writeString(rootfs.resolve("www/index.html"), INDEX + "\n");
            Path peer = rootfs.resolve("www/cgi-bin/peer");
            // httpd listens on a dual-stack socket: an IPv4 client is [::ffff:a.b.c.d]; answer the plain address
            Files.writeString(peer, """
                    #!/bin/sh
                    a=${REMOTE_ADDR#[}; a=${a%]}; a=${a#::ffff:}
                    printf 'Content-Type: text/plain\\r\\n\\r\\n%s\\n' "$a"
                    """);
            Files.setPosixFilePermissions(peer, PosixFilePermissions.fromString("rwxr-xr-x"));

            Path archive = dir.resolve("archive");
            Files.createDirectories(archive);
            Path layerTar = dir.resolve("layer.tar");
            tar(rootfs, layerTar, ".");
            String layer = sha256(Files.readAllBytes(layerTar));
            Files.createDirectories(archive.resolve(layer));
            Files.move(layerTar, archive.resolve(layer + "/layer.tar"));
            String config = """
                    {"architecture":"%s","os":"linux","created":"1970-01-01T00:00:00Z",\
                    "config":{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"],"WorkingDir":"/"},\
                    "rootfs":{"type":"layers","diff_ids":["sha256:%s"]},\
                    "history":[{"created":"1970-01-01T00:00:00Z","created_by":"nlbridge tests: busybox-static rootfs"}]}
                    """.formatted(architecture(), layer).strip();
            String configId = sha256(config.getBytes(StandardCharsets.UTF_8));
            Files.writeString(archive.resolve(configId + ".json"), config);
            Files.writeString(archive.resolve("manifest.json"), """
                    [{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]
                    """.formatted(configId, REF, layer).strip());
            Path out = dir.resolve("busybox.tar");
            tar(archive, out, "manifest.json", configId + ".json", layer + "/layer.tar");
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the busybox image in " + dir, e);
        }
    }

    private static void tar(Path dir, Path out, String... members) {
        List<String> argv = new ArrayList<>(List.of("tar", "--numeric-owner", "--owner=0", "--group=0", "--mtime=@0",
                "--sort=name", "-C", dir.toString(), "-cf", out.toString()));
        argv.addAll(List.of(members));
        Cmd.run(null, argv.toArray(String[]::new));
    }

    /** The OCI name of this machine's architecture, which the runtimes match the image against. */
    private static String architecture() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> System.getProperty("os.arch");
        };
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
