package org.nlbridge.testing.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.nlbridge.testing.Cmd;

/**
 * Throwaway certificates made with openssl: a CA, a server certificate for the members' addresses (198.51.100.11
 * to .13), a client certificate of the same CA and one of another CA (a stranger). Keys are PKCS#8 EC P-256.
 */
public final class EtcdCerts implements AutoCloseable {
    private final Path dir;

    private EtcdCerts(Path dir) {
        this.dir = dir;
    }

    public static EtcdCerts generate() {
        try {
            Path dir = Files.createTempDirectory("nlbt-etcd-certs-");
            EtcdCerts c = new EtcdCerts(dir);
            Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:198.51.100.11,IP:198.51.100.12,IP:198.51.100.13\n"
                    + "extendedKeyUsage=serverAuth,clientAuth\n");
            Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
            for (String ca : List.of("ca", "other-ca")) {
                c.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                        ca + "-key.pem", "-out", ca + ".pem", "-days", "2", "-subj", "/CN=" + ca);
            }
            c.cert("server", "ca", "server.ext");
            c.cert("client", "ca", "client.ext");
            c.cert("stranger", "other-ca", "client.ext");
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void cert(String name, String ca, String ext) {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + "-key.pem",
                "-out", name + ".csr", "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + "-key.pem", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2", "-extfile", ext);
    }

    private void openssl(String... args) {
        String[] argv = new String[args.length + 4];
        argv[0] = "sh";
        argv[1] = "-c";
        argv[2] = "cd \"$0\" && exec openssl \"$@\"";
        argv[3] = dir.toString();
        System.arraycopy(args, 0, argv, 4, args.length);
        Cmd.run(null, argv);
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    public Path server() {
        return dir.resolve("server.pem");
    }

    public Path serverKey() {
        return dir.resolve("server-key.pem");
    }

    public Path client() {
        return dir.resolve("client.pem");
    }

    public Path clientKey() {
        return dir.resolve("client-key.pem");
    }

    public Path stranger() {
        return dir.resolve("stranger.pem");
    }

    public Path strangerKey() {
        return dir.resolve("stranger-key.pem");
    }

    @Override
    public void close() {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
