package org.nlbridge.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nlbridge.net.ValidationException;

/** A container handed over to a runtime (Docker's remote drivers): one bridge network, no namespace of the engine's. */
class HandoverSpecTest {

    @Test
    void aHandedOverContainerHasNoNetnsAndOneNetwork() {
        ContainerSpec c = ContainerSpec.of("docker-0123456789ab", b -> b.network("web").handover("nlc0123456789ab"));
        assertNull(c.netns());
        assertEquals("nlc0123456789ab", c.handover().toString());
        assertEquals(1, c.attachments().size());
        assertEquals("web", c.attachments().getFirst().network());
        ContainerSpec again = c.toBuilder().build();
        assertEquals(c, again, "toBuilder keeps the handover");
        assertEquals(c.handover(), c.withPublish(java.util.List.of()).handover());
    }

    @Test
    void aHandedOverContainerTakesNoNamespaceNoOtherNetworkAndNeedsABridge() {
        assertEquals("invalid container d: netns \"web\": a handover container lives in its runtime's namespace, named by"
                + " the runtime; expected no netns or ifname with handover", assertThrows(ValidationException.class,
                () -> ContainerSpec.of("d", b -> b.network("web").netns("web").handover("nlc1"))).getMessage());
        assertEquals("invalid container d: connect \"back\": a container handed over to a runtime has one network;"
                + " expected a container of its own per network (as Docker's endpoints)", assertThrows(ValidationException.class,
                () -> ContainerSpec.of("d", b -> b.network("web").connect("back").handover("nlc1"))).getMessage());
        assertThrows(ValidationException.class, () -> ContainerSpec.of("d", b -> b.network("none").handover("nlc1")));
    }

    @Test
    void handedOverContainersShareNoNamespaceButEachNeedsItsOwnHandoverName() {
        NetworkSpec web = NetworkSpec.of("web", n -> n.bridge("nlbweb").bip("172.30.5.1/24"));
        ContainerSpec a = ContainerSpec.of("docker-a", b -> b.network("web").handover("nlca"));
        ContainerSpec b2 = ContainerSpec.of("docker-b", b -> b.network("web").handover("nlcb"));
        // neither has a namespace of the engine's (null): not "two containers in one namespace"
        assertEquals(2, DesiredState.of(java.util.List.of(web), java.util.List.of(a, b2)).containers().size());
        ContainerSpec clash = ContainerSpec.of("docker-c", b -> b.network("web").handover("nlca"));
        assertEquals("invalid container docker-c: handover \"nlca\": is container docker-a's handover interface"
                + " already; expected a name no other container is handed over as", assertThrows(
                ValidationException.class, () -> DesiredState.of(java.util.List.of(web), java.util.List.of(a, clash)))
                .getMessage());
    }
}
