package org.nlbridge.dockerplugin;

import java.util.regex.Pattern;

import org.nlbridge.net.ValidationException;

/**
 * How Docker's objects are named in nlbridge. dockerd names networks and endpoints by random 64-digit hex IDs and
 * never tells a driver the names users gave them, so everything is named from the first 12 digits, as Docker itself
 * shows IDs and names its bridges: network {@code docker-<12>} on bridge {@code br-<12>} (Docker's own bridge
 * driver's name for user networks), endpoint {@code docker-<12>} whose container end waits in the host namespace as
 * {@code nlc<12>} until dockerd moves it into the container and renames it {@code eth<N>}.
 *
 * <p>Two IDs that share their first 12 digits (one in 2^48 per pair) would share a name: the second create is then
 * refused as "already exists", never merged with the first.
 */
final class DockerIds {
    private DockerIds() {}

    static final String PREFIX = "docker-";
    private static final Pattern ID = Pattern.compile("[0-9a-f]{12,64}");
    static final String ACCEPTED = "a Docker ID: 12 to 64 lower-case hex digits";

    static String check(String field, String id) {
        if (id == null || !ID.matcher(id).matches()) throw new ValidationException(field, id, "not a Docker ID", ACCEPTED);
        return id;
    }

    private static String short12(String id) {
        return id.substring(0, 12);
    }

    /** The nlbridge network of a Docker network. */
    static String network(String networkId) {
        return PREFIX + short12(networkId);
    }

    /** The bridge of a Docker network that names none ({@code com.docker.network.bridge.name}). */
    static String bridge(String networkId) {
        return "br-" + short12(networkId);
    }

    /** The nlbridge container of a Docker endpoint (one per container and network). */
    static String endpoint(String endpointId) {
        return PREFIX + short12(endpointId);
    }

    /** The container end of an endpoint's veth while it waits in the host namespace for dockerd ({@code SrcName}). */
    static String handover(String endpointId) {
        return "nlc" + short12(endpointId);
    }
}
