package org.nlbridge.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nlbridge.net.ValidationException;

/** A container on several networks: interface names and the default route settled, edits as Docker's connect/disconnect. */
class AttachmentsTest {

    private static List<String> shape(ContainerSpec c) {
        return c.attachments().stream().map(a -> a.network() + " " + a.ifname() + (a.defaultRoute() ? " route" : "")
                + (a.ip() != null ? " " + a.ip() : "")).toList();
    }

    @Test
    void interfaceNamesAndTheDefaultRoute() {
        ContainerSpec c = ContainerSpec.of("web", b -> b.network("front").connect("back", a -> a.ifname("eth2"))
                .connect("mgmt").connect("store"));
        assertEquals(List.of("front eth0 route", "back eth2", "mgmt eth1", "store eth3"), shape(c));
        c = ContainerSpec.of("web", b -> b.network("front").ifname("eth1").connect("back"));
        assertEquals(List.of("front eth1 route", "back eth2"), shape(c), "the first free ethN");
        c = ContainerSpec.of("web", b -> b.network("front").connect("back", a -> a.defaultRoute(true)));
        assertEquals(List.of("front eth0", "back eth1 route"), shape(c), "a connect may take the default route");
        c = ContainerSpec.of("web", b -> b.network("front").defaultRoute(false).connect("back"));
        assertEquals(List.of("front eth0", "back eth1"), shape(c), "or nobody has it");
        assertEquals(List.of(), ContainerSpec.of("solo", b -> b.network("none")).attachments());
    }

    @Test
    void refusedWhatCannotBe() {
        assertEquals("invalid container web: connect \"front\": already on that network; expected each network once"
                + " (its first network is front)", assertThrows(ValidationException.class,
                () -> ContainerSpec.of("web", b -> b.network("front").connect("front"))).getMessage());
        assertEquals("invalid container web: connect \"front\": only a container on a bridge network has its own connect"
                + " (this one uses network host); expected no connect with network host", assertThrows(ValidationException.class,
                () -> ContainerSpec.of("web", b -> b.network("host").connect("front"))).getMessage());
        assertThrows(ValidationException.class, () -> ContainerSpec.of("web", b -> b.connect("back", a -> a.defaultRoute(true))
                .connect("mgmt", a -> a.defaultRoute(true))));
        assertEquals("invalid container web: netns \"/proc/1/ns/../net\": not a path in normal form (no //, . or .. parts, no"
                + " trailing /); expected a namespace name (1-64 characters from [A-Za-z0-9_.-], not starting with '.' or '-')"
                + " for /run/netns/NAME, or the absolute path a runtime gives, like /proc/1234/ns/net or /run/netns/cni-1234",
                assertThrows(ValidationException.class, () -> ContainerSpec.of("web", b -> b.netns("/proc/1/ns/../net")))
                        .getMessage());
        assertEquals("/proc/1234/ns/net", ContainerSpec.of("web", b -> b.netns("/proc/1234/ns/net")).netns());
        assertThrows(ValidationException.class, () -> ContainerSpec.of("web", b -> b.label("-x", "y")));
        assertThrows(ValidationException.class, () -> ContainerSpec.of("web", b -> b.label("x", "a\nb")));
    }

    @Test
    void connectAndDisconnectLikeDocker() {
        ContainerSpec c = ContainerSpec.of("web", b -> b.network("front").ip("10.1.0.5").publish("8080:80"));
        ContainerSpec two = c.withConnect("back", a -> a.ip("10.2.0.5"));
        assertEquals(List.of("front eth0 route 10.1.0.5", "back eth1 10.2.0.5"), shape(two));
        assertEquals(c, two.withoutNetwork("back"));
        // the first network going: the next takes its place with its interface and address, and the default route
        ContainerSpec moved = two.withoutNetwork("front");
        assertEquals(List.of("back eth1 route 10.2.0.5"), shape(moved));
        assertEquals(List.of(), moved.publish(), "the ports were the first network's");
        // the last going: network none, the namespace kept
        ContainerSpec none = moved.withoutNetwork("back");
        assertEquals(new NetworkMode.None(), none.network());
        assertEquals("web", none.netns());
        // a default route that another network has stays there
        ContainerSpec routed = ContainerSpec.of("web", b -> b.network("front").connect("back").connect("mgmt",
                a -> a.defaultRoute(true)));
        assertEquals(List.of("back eth1", "mgmt eth2 route"), shape(routed.withoutNetwork("front")));
        assertEquals(routed, routed.toBuilder().build(), "a spec rebuilt is the same spec");
        assertThrows(NotFoundException.class, () -> c.withoutNetwork("back"));
        assertThrows(ValidationException.class, () -> two.withConnect("back", a -> { }));
    }

    @Test
    void theDesiredStateChecksConnectsToo() {
        NetworkSpec front = NetworkSpec.of("front", n -> n.bridge("front0").bip("10.1.0.1/24"));
        ContainerSpec web = ContainerSpec.of("web", b -> b.network("front").connect("back"));
        assertEquals("invalid container web: connect \"back\": no such network in this script; expected one of [front]",
                assertThrows(ValidationException.class, () -> DesiredState.of(List.of(front), List.of(web))).getMessage());
        NetworkSpec back = NetworkSpec.of("back", n -> n.bridge("back0").bip("10.2.0.1/24"));
        ContainerSpec a = ContainerSpec.of("a", b -> b.network("front").connect("back", x -> x.publish("8080:80")));
        ContainerSpec b2 = ContainerSpec.of("b", b -> b.network("front").publish("8080:81"));
        assertThrows(ValidationException.class, () -> DesiredState.of(List.of(front, back), List.of(a, b2)),
                "a host port published on a connect counts too");
    }
}
