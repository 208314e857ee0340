package org.nlbridge.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.net.ValidationException;

/** The thin client's status reader agrees with the daemon's writer (Jackson, {@link ApiJson}) and is as strict. */
class StatusJsonTest {

    private static EngineStatus roundTrip(EngineStatus s) {
        return StatusJson.status(ApiJson.bytes(ApiJson.toJson(s)));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsWhatTheDaemonWrites() {
        EngineStatus empty = new EngineStatus(List.of(), List.of(), List.of());
        assertEquals(empty, roundTrip(empty));
        EngineStatus.ContainerStatus web = new EngineStatus.ContainerStatus("web", "bridge", "web", "eth0", "veth1234567",
                "172.17.0.2/16", "fd00::2/64", "02:42:ac:11:00:02", "web", List.of("/x/resolv.conf", "/x/hosts"),
                List.of(new EngineStatus.AttachmentStatus("bridge", "eth0", "veth1234567", "172.17.0.2/16", null,
                                "02:42:ac:11:00:02", true, List.of("www")),
                        new EngineStatus.AttachmentStatus("back", "eth1", "veth7654321", "10.1.0.2/24", null,
                                "02:42:0a:01:00:02", false, List.of())),
                Map.of("io.kubernetes.pod.name", "web-1", "quote\"and\\slash", "é ü \u2603"));
        EngineStatus full = new EngineStatus(
                List.of(new EngineStatus.NetworkStatus("bridge", "docker0", "172.17.0.0/16", "172.17.0.1", null,
                        "fd00::/64", 1500, true, true, false, "nftables", true)),
                List.of(web, new EngineStatus.ContainerStatus("db", null, "db", null, null, null, null, null, null,
                        List.of())),
                List.of(new EngineStatus.PortStatus("web", "tcp", null, 8080, "172.17.0.2", 80, 3, -1),
                        new EngineStatus.PortStatus("web", "udp", "127.0.0.1", 5353, "172.17.0.2", 53,
                                9_000_000_000L, 1L << 40)),
                List.of(new EngineStatus.OverlayStatus("ov", 4096, "vx-5e1c26b2f7c5", "198.51.100.11",
                        "unreachable: since 10:00:00 (no answer)", List.of(new EngineStatus.PeerStatus("h2e5d906d9a73",
                        "node3", "198.51.100.13", List.of("c3"), -1)))),
                List.of("IPv4 forwarding is off"));
        assertEquals(full, roundTrip(full));
    }

    @Test
    void refusesWhatIsNotAStatus() {
        for (String bad : List.of("", "[]", "{\"networks\":[],\"containers\":[],\"ports\":[],\"extra\":1}",
                "{\"networks\":[{\"name\":\"b\",\"mtu\":\"1500\"}],\"containers\":[],\"ports\":[]}",
                "{\"networks\":[],\"networks\":[],\"containers\":[],\"ports\":[]}",
                "{\"networks\":[],\"containers\":[],\"ports\":[]} {}", "{\"networks\":[}", "{\"networks\":\"x\"}",
                "{\"warnings\":[1]}", "{\"networks\":[\"\\q\"]}", "[".repeat(40) + "]".repeat(40))) {
            ValidationException e = assertThrows(ValidationException.class, () -> StatusJson.status(b(bad)), bad);
            assertTrue(e.getMessage().contains("not a status document"), e.getMessage());
        }
    }

    @Test
    void readsAnErrorMessage() {
        assertEquals("no such container web", JsonText.member(b("{\"message\":\"no such container web\"}"), "message"));
        assertNull(JsonText.member(b("{\"message\":5}"), "message"));
        assertNull(JsonText.member(b("<html>"), "message"));
        assertNull(JsonText.member(b(""), "message"));
    }
}
