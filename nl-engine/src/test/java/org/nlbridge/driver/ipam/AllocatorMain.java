package org.nlbridge.driver.ipam;

import java.io.IOException;
import java.nio.file.Path;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Phase;
import org.nlbridge.state.StateStore;
import org.nlbridge.net.Hostname;
import org.nlbridge.net.IfName;

/**
 * A second engine for {@link TwoProcessAllocationTest}: opens the store, says "ready", waits for a line on
 * stdin so that both processes start together, then attaches {@code count} containers one transaction at a
 * time as the driver would (journal ATTACHING with the address, then ATTACHED), printing
 * {@code <container> <address>} for each, between {@code start <epoch ms>} and {@code end <epoch ms>}.
 *
 * <p>Arguments: state directory, network, container name prefix, count.
 */
public final class AllocatorMain {

    private AllocatorMain() {}

    public static void main(String[] args) throws IOException {
        Path stateDir = Path.of(args[0]);
        String network = args[1];
        String prefix = args[2];
        int count = Integer.parseInt(args[3]);
        try (StateStore store = StateStore.open(stateDir)) {
            Ipam ipam = new Ipam(store);
            System.out.println("ready");
            System.out.flush();
            if (System.in.read() < 0) {
                throw new IllegalStateException("stdin closed before the start signal");
            }
            System.out.println("start " + System.currentTimeMillis());
            for (int i = 0; i < count; i++) {
                String container = prefix + i;
                Endpoint e = ipam.attach(new EndpointRequest(container, network, Path.of("/run/netns/" + container),
                        IfName.parse("ifname", "eth0"), IfName.parse("veth", "veth-" + container),
                        Hostname.parse("hostname", container), null, null, null));
                store.update(tx -> tx.endpoints().setPhase(container, network, Phase.ATTACHED));
                System.out.println(container + " " + e.ipv4());
            }
            System.out.println("end " + System.currentTimeMillis());
        }
    }
}
