package org.nlbridge.driver;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.NetworkSpec;

/**
 * A registry of network drivers, by the name a network spec gives ({@code driver 'bridge'}). The engine's is
 * {@code Engines.DRIVERS} (one line per driver); an engine may be opened with another, e.g. one more
 * {@link #with} in a test.
 */
public final class NetworkDrivers {

    /** No drivers. */
    public static final NetworkDrivers NONE = new NetworkDrivers(Map.of());

    private final Map<String, NetworkDriver.Factory> factories;

    private NetworkDrivers(Map<String, NetworkDriver.Factory> factories) {
        this.factories = factories;
    }

    /** This registry plus one driver. */
    public NetworkDrivers with(String name, NetworkDriver.Factory factory) {
        NetworkSpec.checkDriver("network driver", name); // the rule the specs use
        Map<String, NetworkDriver.Factory> m = new LinkedHashMap<>(factories);
        if (m.putIfAbsent(name, Objects.requireNonNull(factory, "factory")) != null) {
            throw new IllegalArgumentException("network driver " + name + " is registered already");
        }
        return new NetworkDrivers(Map.copyOf(m));
    }

    /** The names, for messages. */
    public Set<String> names() {
        return factories.keySet();
    }

    /** The factory of the driver a network spec names; a name this registry does not have is refused. */
    public NetworkDriver.Factory get(String network, String name) {
        NetworkDriver.Factory f = factories.get(name);
        if (f == null) {
            throw new ValidationException("network " + network + ": driver", name, "no such network driver",
                    "one of " + String.join(", ", new TreeSet<>(factories.keySet())));
        }
        return f;
    }
}
