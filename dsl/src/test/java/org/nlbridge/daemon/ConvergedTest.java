package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;

/** What a daemon request plans alone (issue 14): the containers it adds, removes or changes, and nothing else. */
class ConvergedTest {
    private static final NetworkSpec NET = NetworkSpec.of("bridge", b -> b.bridge("nlb0").bip("10.9.0.1/24"));

    private static ContainerSpec ctr(String name, String publish) {
        return ContainerSpec.of(name, b -> {
            b.netns("ns-" + name).network("bridge");
            if (publish != null) b.publish(publish);
        });
    }

    @Test
    void containersAddedRemovedAndChangedAreTheScope() {
        DesiredState a = DesiredState.of(List.of(NET), List.of(ctr("c1", null), ctr("c2", "80:80"), ctr("c3", null)));
        assertEquals(Set.of(), Converged.changedContainers(a, a));
        assertEquals(Set.of("c4"), Converged.changedContainers(a, a.withContainer(ctr("c4", null))));
        assertEquals(Set.of("c2"), Converged.changedContainers(a, a.withoutContainer("c2")));
        assertEquals(Set.of("c2"), Converged.changedContainers(a, a.withContainer(ctr("c2", "81:80"))));
    }

    @Test
    void aContainerSharingAChangedOnesNamespaceIsInTheScope() {
        DesiredState a = DesiredState.of(List.of(NET), List.of(ctr("c1", null),
                ContainerSpec.of("side", b -> b.network("container:c1")), ctr("c2", null)));
        assertEquals(Set.of("c1", "side"), Converged.changedContainers(a, a.withContainer(ctr("c1", "80:80"))));
    }

    @Test
    void anythingButContainersIsAFullApply() {
        DesiredState a = DesiredState.of(List.of(NET), List.of(ctr("c1", null)));
        assertNull(Converged.changedContainers(a, a.withNetwork(NetworkSpec.of("other", b -> b.bridge("nlb1")
                .bip("10.8.0.1/24")))));
        assertNull(Converged.changedContainers(a, a.withoutContainer("c1").withoutNetwork("bridge")));
    }
}
