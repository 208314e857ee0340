package org.nlbridge.driver;

import java.util.List;
import java.util.Objects;

import org.nlbridge.net.IfName;
import org.nlbridge.net.PortMapping;
import org.nlbridge.spec.AttachmentSpec;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;

/**
 * One container to attach to one network, as a plan holds it: what the container asks for, the network, the name of
 * its host-side link, and the unit its steps belong to. Its addresses are picked when apply journals it (the first
 * step of the unit); the driver's steps read them then, through {@link #endpoint()}.
 */
public final class Attachment {
    private final ContainerSpec container;
    private final AttachmentSpec spec;
    private final Network network;
    private final IfName hostLink;
    private final Unit unit;
    private Endpoint endpoint;

    public Attachment(ContainerSpec container, AttachmentSpec spec, Network network, IfName hostLink, Unit unit) {
        this.container = Objects.requireNonNull(container, "container");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.network = Objects.requireNonNull(network, "network");
        this.hostLink = Objects.requireNonNull(hostLink, "hostLink");
        this.unit = Objects.requireNonNull(unit, "unit");
    }

    public ContainerSpec container() {
        return container;
    }

    /** What the container asks of this network: its interface name, addresses, MAC, ports, default route. */
    public AttachmentSpec spec() {
        return spec;
    }

    public Network network() {
        return network;
    }

    /** The host end of the container's link, e.g. the veth on the bridge. */
    public IfName hostLink() {
        return hostLink;
    }

    public Unit unit() {
        return unit;
    }

    /** The published ports, one mapping per port. */
    public List<PortMapping> ports() {
        return spec.mappings();
    }

    /** The endpoint as journalled, with its addresses and MAC; only once apply has run the unit's first step. */
    public Endpoint endpoint() {
        if (endpoint == null) throw new IllegalStateException("container " + container.name() + " is not journalled yet");
        return endpoint;
    }

    /** Called by the step that journals the endpoint. */
    public void journalled(Endpoint e) {
        this.endpoint = Objects.requireNonNull(e, "endpoint");
    }
}
