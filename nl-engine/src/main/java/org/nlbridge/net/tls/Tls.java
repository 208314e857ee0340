package org.nlbridge.net.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Mutual TLS from PEM files, as Docker's {@code --tlsverify --tlscacert --tlscert --tlskey} take them: the CA that
 * signs the other side's certificate, our certificate (chain) and our private key (PKCS#8, {@code BEGIN PRIVATE
 * KEY}; RSA, EC or Ed25519). TLS 1.3 only. Shared by the daemon's {@code -H tcp://} (both ends) and the etcd
 * cluster store's client ({@code --cluster-store-opt cacert=,cert=,key=}).
 */
public record Tls(Path caCert, Path cert, Path key) {

    public static final String PROTOCOL = "TLSv1.3";

    /** Docker's DOCKER_CERT_PATH layout: {@code ca.pem}, {@code cert.pem}, {@code key.pem} in one directory. */
    public static Tls inDirectory(Path dir) {
        return new Tls(dir.resolve("ca.pem"), dir.resolve("cert.pem"), dir.resolve("key.pem"));
    }

    public SSLContext context() {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate c : certificates(cf, caCert)) trust.setCertificateEntry("ca" + i++, c);
            List<Certificate> chain = certificates(cf, cert);
            PrivateKey pk = privateKey(key);
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            char[] pw = new char[0];
            keys.setKeyEntry("self", pk, pw, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, pw);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance(PROTOCOL);
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("TLS: cannot use " + caCert + ", " + cert + ", " + key + ": " + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(CertificateFactory cf, Path file) throws IOException, GeneralSecurityException {
        byte[] pem = Files.readAllBytes(file);
        List<Certificate> out = new ArrayList<>(cf.generateCertificates(new ByteArrayInputStream(pem)));
        if (out.isEmpty()) throw new GeneralSecurityException(file + " holds no certificate");
        for (Certificate c : out) ((X509Certificate) c).checkValidity();
        return out;
    }

    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        int b = text.indexOf(begin);
        int e = text.indexOf("-----END PRIVATE KEY-----");
        if (b < 0 || e < b) {
            throw new GeneralSecurityException(file + " is not a PKCS#8 PEM key (BEGIN PRIVATE KEY); convert it with"
                    + " openssl pkcs8 -topk8 -nocrypt");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String alg : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException x) {
                last = x;
            }
        }
        throw new GeneralSecurityException(file + ": not an RSA, EC or Ed25519 key", last);
    }
}
