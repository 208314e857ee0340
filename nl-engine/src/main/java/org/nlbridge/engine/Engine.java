package org.nlbridge.engine;

import java.util.List;
import java.util.function.Consumer;

import org.nlbridge.driver.dns.Mount;
import org.nlbridge.net.Hostname;
import org.nlbridge.driver.ipam.AddressPools;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.Plan;

/**
 * The embedded API: Docker's bridge networking for one host namespace, converging the kernel and the state store
 * to a desired state. Every operation validates first and changes nothing when validation fails; {@code apply} is
 * all or nothing (a failure that only the kernel reveals undoes everything the request did); what a crash or another
 * process left behind is repaired by the next {@code apply} or {@code destroy}, whose plans show it. Opening the
 * engine, {@code plan}, {@code planDestroy}, {@code status} and {@code runtime} change nothing.
 */
public interface Engine extends AutoCloseable {

    /** Opens the engine on a host namespace and state directory ({@link Engines}); changes nothing. */
    static Engine open(EngineOptions options) {
        return Engines.open(options);
    }

    /** What {@link #apply} would change, computed against the live kernel and the state store; changes nothing. */
    Plan plan(DesiredState desired);

    /** Converges to {@code desired}; returns the changes made. */
    Plan apply(DesiredState desired, ProgressListener progress);

    /**
     * {@link #apply} for a front end that converged to a desired state differing from {@code desired} only in the
     * containers named in {@code containers} (added, removed or changed), and watches the host for drift itself (the
     * daemon): plans and applies those containers alone, so a request costs the same with 10 or 1,000 containers.
     * Every check is made as in {@link #apply} (addresses, ports, names against the whole store); the other
     * containers are neither read from the kernel nor repaired, nor is the firewall compared whole ({@link #reconcile}
     * and a full {@link #apply} do that).
     */
    default Plan applyContainers(DesiredState desired, java.util.Set<String> containers, ProgressListener progress) {
        return apply(desired, progress);
    }

    /** What {@link #destroy} would remove. */
    Plan planDestroy(DesiredState desired);

    /** Removes everything {@code desired} owns (never a {@code -b} bridge, never the user hook's rules). */
    Plan destroy(DesiredState desired, ProgressListener progress);

    /** Networks, containers, addresses, MACs, published ports (with packet counters), files. */
    EngineStatus status();

    /**
     * The state store's part of {@link #status} for these containers (null: every container, and the networks): their
     * rows and published ports, with no counters (-1) and no warnings. For a front end that keeps a status of its own
     * up to date as it changes containers (the daemon), then shows it with {@link #status(EngineStatus)}.
     */
    default EngineStatus statusRows(java.util.Set<String> containers) {
        EngineStatus all = status();
        if (containers == null) return new EngineStatus(all.networks(), all.containers(), all.ports());
        return new EngineStatus(List.of(), all.containers().stream().filter(c -> containers.contains(c.name())).toList(),
                all.ports().stream().filter(p -> containers.contains(p.container())).toList());
    }

    /**
     * {@link #status} with the store's part taken from {@code rows} (kept up to date from {@link #statusRows}) and
     * only what the kernel says read now: the published ports' counters, the warnings, the overlays' peers.
     */
    default EngineStatus status(EngineStatus rows) {
        return status();
    }

    /**
     * What the kernel lacks of a container's networking on {@code network} (null: every network it is on): its
     * host link on the bridge, its interface inside (up, with its addresses), its default route where it has it,
     * its published ports in the firewall. Empty when all is there; changes nothing (the next apply repairs).
     * A CNI runtime's {@code CHECK}.
     *
     * @throws org.nlbridge.spec.NotFoundException for a container the engine does not know
     */
    default List<String> check(String container, String network) {
        return List.of();
    }

    /** One container's part of {@link #status} (its networks, addresses, labels), if the engine has it. */
    default java.util.Optional<EngineStatus.ContainerStatus> containerStatus(String container) {
        return status().containers().stream().filter(c -> c.name().equals(container)).findFirst();
    }

    /** One network's part of {@link #status}, if the engine has it. */
    default java.util.Optional<EngineStatus.NetworkStatus> networkStatus(String network) {
        return status().networks().stream().filter(n -> n.name().equals(network)).findFirst();
    }

    /** The OCI-style mounts (resolv.conf, hosts, hostname) and namespace of a container, for {@code run}. */
    ContainerRuntime runtime(String container);

    /**
     * Runs the repair phase that every apply begins with, alone: endpoints a dead process left half-done are torn
     * down, links with our marker that nothing owns are deleted, and the firewall is rebuilt from the state store if
     * it differs from it (someone ran {@code nft flush ruleset}). For a daemon that noticed drift or lost events.
     *
     * @return what was repaired, one plan line each; empty when everything matched
     */
    default List<String> reconcile() {
        return List.of();
    }

    /**
     * The names an embedded name server should answer now: per user network, its attached containers with their
     * aliases and addresses, and per container on such a network where its queries go (see {@link NameService}).
     * Read-only; a front end that runs the server calls it after each change.
     */
    default NameService names() {
        return NameService.NONE;
    }

    /** The links, bridges and nf_tables tables this engine owns, as the state store says now. */
    default Ownership ownership() {
        return Ownership.NONE;
    }

    /**
     * Hands a front end what it kept under its own {@code key} in this engine's state store, from the time front
     * ends kept no state of their own (the daemon's desired state, meta key {@code daemon.desired}, until its own
     * file), and forgets it: calls {@code keep} with the value, then deletes the value in the same store transaction,
     * so a {@code keep} that throws leaves it in place. For one-time migrations; nothing stores such values any more.
     *
     * @return whether there was a value under {@code key}
     */
    default boolean takeFrontEndValue(String key, Consumer<String> keep) {
        return false;
    }

    /**
     * The address pools this engine keeps for runtimes with an IPAM protocol of their own (Docker's
     * {@code --ipam-driver nlbridge}); an engine without a state store of its own has none.
     *
     * @throws UnsupportedOperationException if this engine keeps no pools
     */
    default AddressPools addressPools() {
        throw new UnsupportedOperationException("this engine keeps no address pools");
    }

    @Override
    void close();

    /** Told about each unit of work as it is done: a network, an endpoint, a container's files (terminal progress). */
    interface ProgressListener {
        ProgressListener NONE = (done, total, change) -> { };

        void applied(int done, int total, Change change);
    }

    /** What {@code nlbridge run} needs to start a process in a container. */
    record ContainerRuntime(String netns, Hostname hostname, List<Mount> mounts) {
        public ContainerRuntime {
            mounts = List.copyOf(mounts);
        }
    }
}
