package org.nlbridge.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.nlbridge.net.ValidationException;

/**
 * What a desired state refuses without the kernel or the store (issue 16 item 4): each bad input with its exact
 * message, naming the container (a script's error is reported at its line), and the good neighbours accepted.
 */
class DesiredStateChecksTest {

    private static final NetworkSpec NET = NetworkSpec.of("bridge", n -> n.bridge("nlb0").bip("172.30.0.1/24")
            .fixedCidr("172.30.0.128/25"));
    private static final NetworkSpec V6 = NetworkSpec.of("v6", n -> n.bridge("nlb6").bip("172.31.0.1/24")
            .fixedCidrV6("fd00:31::/64"));
    private static final NetworkSpec INTERNAL = NetworkSpec.of("back", n -> n.bridge("nlbi").bip("172.29.0.1/24").internal(true));

    private static ContainerSpec c(String name, Consumer<ContainerSpec.Builder> b) {
        return ContainerSpec.of(name, b);
    }

    private static String refused(ContainerSpec... containers) {
        return assertThrows(ValidationException.class,
                () -> DesiredState.of(List.of(NET, V6, INTERNAL), List.of(containers))).getMessage();
    }

    private static final String IN_RANGE = "expected a free address in 172.30.0.128/25 other than the network,"
            + " broadcast and gateway addresses";

    @Test
    void staticAddresses() {
        assertEquals("invalid container web: ip \"172.30.0.10\": is outside the allocatable range 172.30.0.128/25 of"
                + " network bridge; " + IN_RANGE, refused(c("web", b -> b.ip("172.30.0.10"))));
        assertEquals("invalid container web: ip \"10.1.2.3\": is outside the allocatable range 172.30.0.128/25 of"
                + " network bridge; " + IN_RANGE, refused(c("web", b -> b.ip("10.1.2.3"))));
        assertEquals("invalid container web: ip \"172.30.0.1\": is the gateway of network bridge; " + IN_RANGE,
                refused(c("web", b -> b.ip("172.30.0.1"))));
        assertEquals("invalid container web: ip \"172.30.0.255\": is the broadcast address of subnet 172.30.0.0/24; "
                + IN_RANGE, refused(c("web", b -> b.ip("172.30.0.255"))));
        assertEquals("invalid container db: ip \"172.30.0.130\": is in use by container web; " + IN_RANGE,
                refused(c("web", b -> b.ip("172.30.0.130")), c("db", b -> b.ip("172.30.0.130"))));
        assertEquals("invalid container web: ip6 \"fd00:99::1\": network bridge has no IPv6 subnet; expected no IPv6"
                + " address on an IPv4-only network (or fixedCidrV6 on it)", refused(c("web", b -> b.ip6("fd00:99::1"))));
        assertEquals("invalid container web: ip6 \"fd00:32::5\": is outside the allocatable range fd00:31::/64 of"
                + " network v6; expected a free address in fd00:31::/64 other than the network and gateway addresses",
                refused(c("web", b -> b.network("v6").ip6("fd00:32::5"))));
        assertEquals("invalid container web: ip6 \"fd00:31::1\": is the gateway of network v6; expected a free address"
                + " in fd00:31::/64 other than the network and gateway addresses",
                refused(c("web", b -> b.network("v6").ip6("fd00:31::1"))));
        // the same address on two networks is no clash; a useBridge network's subnet is the engine's to check
        DesiredState.of(List.of(NET, V6, NetworkSpec.of("given", n -> n.useBridge("br0"))), List.of(
                c("a", b -> b.ip("172.30.0.130")), c("b", b -> b.network("v6").ip("172.31.0.130")),
                c("x", b -> b.network("given").ip("10.9.9.9"))));
    }

    @Test
    void macsAndNamespaces() {
        assertEquals("invalid container db: mac \"02:42:ac:1e:00:09\": is container web's MAC on network bridge already;"
                + " expected a MAC no other container of the network has",
                refused(c("web", b -> b.mac("02:42:ac:1e:00:09")), c("db", b -> b.mac("02:42:ac:1e:00:09"))));
        assertEquals("invalid container db: netns \"shared\": is container web's namespace already; expected a namespace"
                + " no other container of a bridge network or of network none has (network 'container:web' shares"
                + " web's)", refused(c("web", b -> b.netns("shared")), c("db", b -> b.netns("shared"))));
        assertEquals("invalid container db: netns \"shared\": is container web's namespace already; expected a namespace"
                + " no other container of a bridge network or of network none has (network 'container:web' shares"
                + " web's)", refused(c("web", b -> b.netns("shared").network("none")), c("db", b -> b.netns("shared"))));
        // the ways to share: container:NAME, and host mode (which has no namespace of its own)
        DesiredState.of(List.of(NET), List.of(c("web", b -> b.netns("shared")), c("side", b -> b.network("container:web")),
                c("h", b -> b.netns("shared").network("host"))));
    }

    @Test
    void publishedPorts() {
        assertEquals("invalid container db: publish \"127.0.0.1:8080:80/tcp\": host port tcp/8080 is already published by"
                + " container web; expected a host port not used by another container",
                refused(c("web", b -> b.publish("0.0.0.0:8080:80")), c("db", b -> b.publish("127.0.0.1:8080:80"))));
        assertEquals("invalid container web: publish \"[fd00::1]:8080:80/tcp\": the host address is IPv6 but network"
                + " bridge has no IPv6 subnet, so the container has no IPv6 address (nlbridge has no userland proxy to"
                + " carry one family to the other); expected a unicast host address of a family the container has an"
                + " address in (127.0.0.1 for the host only), or none for every address",
                refused(c("web", b -> b.publish("[fd00::1]:8080:80"))));
        assertEquals("invalid container web: publish \"8080:80/tcp\": network back is internal: nothing from outside the"
                + " host reaches its containers; expected no published ports on an internal network, or a network that"
                + " is not internal", refused(c("web", b -> b.network("back").publish("8080:80"))));
        // different addresses of one port, and one family's wildcard beside the other family's address, are fine
        DesiredState.of(List.of(NET, V6), List.of(c("a", b -> b.publish("127.0.0.1:8080:80")),
                c("b", b -> b.publish("172.30.0.1:8080:80")), c("c", b -> b.network("v6").publish("[::]:9090:80")),
                c("d", b -> b.publish("0.0.0.0:9090:80"))));
    }
}
