package org.nlbridge.driver.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

@ExtendWith(SandboxExtension.class)
class OverlaySmokeTest {

    @Test
    void smoke(Sandbox sb) {
        OverlayWorld w = OverlayWorld.start(sb, 10);
        try {
            w.declareEverywhere("ov", OverlayWorld.SUBNET);
            for (int h = 1; h <= 3; h++) {
                var r = w.daemon(h).call("POST", "/v1/containers", w.container("c" + h, "ov"));
                System.out.println("h" + h + ": " + r);
                r.ok();
            }
            for (int h = 1; h <= 3; h++) System.out.println(w.status(h).toPrettyString());
            for (int h = 1; h <= 3; h++) System.out.println("h" + h + " entries " + w.entries(h, "ov"));
            Tcp.pings(w.ns("c1"), w.ip(2, "c2"));
            Tcp.pings(w.ns("c2"), w.ip(3, "c3"));
            Tcp.pings(w.ns("c3"), w.ip(1, "c1"));
            System.out.println(w.etcdKeys("/nlbridge/"));
        } catch (Throwable t) {
            System.out.println(w.logs());
            throw t;
        }
    }
}
