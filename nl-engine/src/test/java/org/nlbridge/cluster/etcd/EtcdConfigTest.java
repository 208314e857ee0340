package org.nlbridge.cluster.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nlbridge.net.ValidationException;

/** Docker's --cluster-store and --cluster-store-opt, parsed strictly. */
class EtcdConfigTest {

    @Test
    void endpointsAndTls() {
        EtcdConfig c = EtcdConfig.parse("etcd://10.0.0.1:2379,[fd00::2]:2379,etcd-3.example:12379", Map.of());
        assertEquals(List.of(URI.create("http://10.0.0.1:2379"), URI.create("http://[fd00::2]:2379"),
                URI.create("http://etcd-3.example:12379")), c.endpoints());
        assertNull(c.tls());
        assertEquals(Duration.ofSeconds(5), c.requestTimeout());
        EtcdConfig t = EtcdConfig.parse("etcd://10.0.0.1:2379", Map.of("cacert", "/c/ca.pem", "cert", "/c/cert.pem",
                "key", "/c/key.pem", "timeout", "750ms"));
        assertEquals(URI.create("https://10.0.0.1:2379"), t.endpoints().getFirst());
        assertEquals(Path.of("/c/key.pem"), t.tls().key());
        assertEquals(Duration.ofMillis(750), t.requestTimeout());
        assertEquals(Duration.ofMillis(750), t.connectTimeout());
    }

    @Test
    void badInputNamesTheOptionTheValueAndWhatIsAccepted() {
        assertMessage("invalid cluster-store \"consul://10.0.0.1:8500\": not an etcd:// URL; expected etcd://HOST:PORT",
                "consul://10.0.0.1:8500", Map.of());
        assertMessage("invalid cluster-store \"etcd://10.0.0.1\": endpoint \"10.0.0.1\" is not HOST:PORT", "etcd://10.0.0.1", Map.of());
        assertMessage("invalid cluster-store \"etcd://10.0.0.1:2379,\": endpoint \"\" is not HOST:PORT", "etcd://10.0.0.1:2379,", Map.of());
        assertMessage("invalid cluster-store \"etcd://10.0.0.1:70000\": port \"70000\" is not 1..65535", "etcd://10.0.0.1:70000", Map.of());
        assertMessage("invalid cluster-store \"etcd://010.0.0.1:2379\": host \"010.0.0.1\": ", "etcd://010.0.0.1:2379", Map.of());
        assertMessage("invalid cluster-store \"etcd://bad_host:2379\": host \"bad_host\": ", "etcd://bad_host:2379", Map.of());
        assertMessage("invalid cluster-store-opt \"kv.cacertfile=/x\": unknown option kv.cacertfile; expected cacert=FILE",
                "etcd://10.0.0.1:2379", Map.of("kv.cacertfile", "/x"));
        assertMessage("invalid cluster-store-opt \"cacert\": mutual TLS needs cacert, cert and key together",
                "etcd://10.0.0.1:2379", Map.of("cacert", "/x"));
        assertMessage("invalid cluster-store-opt \"timeout=5\": not a positive duration", "etcd://10.0.0.1:2379", Map.of("timeout", "5"));
    }

    private static void assertMessage(String prefix, String store, Map<String, String> opts) {
        ValidationException e = assertThrows(ValidationException.class, () -> EtcdConfig.parse(store, opts));
        if (!e.getMessage().startsWith(prefix)) throw new AssertionError("message\n  " + e.getMessage() + "\ndoes not start with\n  " + prefix);
    }
}
