package org.nlbridge.state;

import java.util.Map;
import java.util.Objects;

import org.nlbridge.net.Hostname;
import org.nlbridge.spec.NetworkMode;

/**
 * A container the engine knows by name, whatever its network mode: how {@code runtime}, {@code status} and
 * {@code destroy} find its namespace, host name and files. A container on a bridge network has an endpoint besides.
 *
 * @param mode         Docker's {@code --network}: a network, {@code host}, {@code none} or {@code container:NAME}
 * @param netns        its own namespace's name ({@code /run/netns/NAME}); null in modes without one of its own
 *                     ({@code host}, {@code container:NAME}), and for a container whose runtime keeps its namespace
 *                     (its endpoint was handed over to the runtime: Docker's remote drivers)
 * @param createdNetns the engine created that namespace, so removing the container deletes it
 */
public record ContainerRecord(String name, NetworkMode mode, Hostname hostname, String netns, boolean createdNetns,
                              Map<String, String> labels) {

    /** A record without labels. */
    public ContainerRecord(String name, NetworkMode mode, Hostname hostname, String netns, boolean createdNetns) {
        this(name, mode, hostname, netns, createdNetns, Map.of());
    }

    public ContainerRecord {
        labels = Map.copyOf(labels);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(hostname, "hostname");
        boolean own = !(mode instanceof NetworkMode.Host) && !(mode instanceof NetworkMode.Container);
        if (!own && netns != null) {
            throw new IllegalArgumentException("container " + name + " in mode " + mode + " has no namespace of its own, not "
                    + netns);
        }
        if (createdNetns && netns == null) {
            throw new IllegalArgumentException("container " + name + ": no namespace to have created");
        }
    }

    /** The same container, recorded as having (or not having) had its namespace created by the engine. */
    public ContainerRecord withCreatedNetns(boolean created) {
        return new ContainerRecord(name, mode, hostname, netns, created, labels);
    }
}
