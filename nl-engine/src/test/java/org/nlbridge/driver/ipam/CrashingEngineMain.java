package org.nlbridge.driver.ipam;

import java.io.IOException;
import java.nio.file.Path;
import org.nlbridge.state.StateStore;

/**
 * An engine for {@link CrashRecoveryTest} that gets killed at the two worst moments: it journals container
 * {@code crashed} (committed, ATTACHING, as if it died during the syscalls), then attaches
 * {@code pending} inside a write transaction, prints "holding" and waits there, holding the write
 * lock, until the test kills it with SIGKILL.
 *
 * <p>Arguments: state directory, network.
 */
public final class CrashingEngineMain {

    private CrashingEngineMain() {}

    public static void main(String[] args) throws IOException {
        Path stateDir = Path.of(args[0]);
        String network = args[1];
        StateStore store = StateStore.open(stateDir); // never closed: the process dies holding it
        Ipam ipam = new Ipam(store);
        ipam.attach(IpamTest.request("crashed", network));
        store.update(tx -> {
            ipam.attach(tx, IpamTest.request("pending", network));
            System.out.println("holding");
            System.out.flush();
            try {
                System.in.read(); // the test never writes: this is where SIGKILL lands
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
