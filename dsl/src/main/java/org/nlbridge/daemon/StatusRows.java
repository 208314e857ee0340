package org.nlbridge.daemon;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineStatus;

/**
 * The state store's part of {@code status} as the daemon last committed it (issue 14: reads served from memory): the
 * networks, the containers and their published ports, kept up to date after every change the daemon makes. A
 * request on some containers re-reads those containers alone ({@link Engine#statusRows}); anything else (a full
 * apply, a destroy, a failure, a drift repair) re-reads them all. A {@code status} request then reads no container,
 * endpoint or port from the store: only what the kernel says now ({@link Engine#status(EngineStatus)}: counters,
 * warnings). Written on the engine thread; {@link #rows} may be read from any thread.
 */
final class StatusRows {
    /** The store's order: protocol, host port, host address (then the container, which the store leaves open). */
    private static final Comparator<EngineStatus.PortStatus> PORT_ORDER = Comparator
            .comparing(EngineStatus.PortStatus::protocol)
            .thenComparingInt(EngineStatus.PortStatus::hostPort)
            .thenComparing(s -> Objects.requireNonNullElse(s.hostIp(), ""))
            .thenComparing(EngineStatus.PortStatus::container);

    private List<EngineStatus.NetworkStatus> networks = List.of();
    private final Map<String, EngineStatus.ContainerStatus> containers = new TreeMap<>(); // by name, as the store
    private final Map<EngineStatus.PortStatus, EngineStatus.PortStatus> ports = new TreeMap<>(PORT_ORDER);
    private volatile EngineStatus rows; // null until loaded

    /** What was last committed; null before the first {@link #refresh}. */
    EngineStatus rows() {
        return rows;
    }

    /** What was last committed (engine thread), read in full first when nothing is known yet. */
    EngineStatus current(Engine engine) {
        if (rows == null) refresh(engine, null);
        EngineStatus r = rows;
        return r != null ? r : engine.statusRows(null);
    }

    /**
     * After a change (engine thread): re-reads the containers in {@code changed}, or everything when it is null. A
     * store that cannot be read (closing) leaves nothing known, so that the next status reads it all.
     */
    void refresh(Engine engine, Set<String> scope) {
        Set<String> changed = rows == null ? null : scope; // nothing to bring up to date: read it all
        try {
            EngineStatus read = engine.statusRows(changed);
            if (changed == null) {
                networks = read.networks();
                containers.clear();
                ports.clear();
            } else {
                containers.keySet().removeAll(changed);
                ports.keySet().removeIf(p -> changed.contains(p.container()));
            }
            read.containers().forEach(c -> containers.put(c.name(), c));
            read.ports().forEach(p -> ports.put(p, p));
            rows = new EngineStatus(networks, new ArrayList<>(containers.values()), new ArrayList<>(ports.keySet()));
        } catch (RuntimeException e) {
            rows = null;
            networks = List.of();
            containers.clear();
            ports.clear();
        }
    }
}
