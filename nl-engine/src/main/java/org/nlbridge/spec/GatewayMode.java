package org.nlbridge.spec;

import org.nlbridge.net.ValidationException;

/**
 * How a bridge network's gateway treats one address family: Docker 28's {@code
 * com.docker.network.bridge.gateway_mode_ipv4} / {@code gateway_mode_ipv6}.
 */
public enum GatewayMode {
    /** NAT: outgoing traffic masqueraded, published ports DNATed from host ports, direct routing dropped. */
    NAT("nat"),
    /** NAT as {@link #NAT}, but nothing filters direct routing to the containers (Docker's legacy behaviour). */
    NAT_UNPROTECTED("nat-unprotected"),
    /**
     * No NAT: containers use their own addresses outside, a published port only opens the container port to direct
     * routing (the host port is not used), ICMP is let in; a router must route the subnet to the host.
     */
    ROUTED("routed"),
    /** No gateway address on the bridge at all: only for an internal network, whose containers then reach only each other. */
    ISOLATED("isolated");

    public static final String ACCEPTED = "nat, nat-unprotected, routed or isolated";

    private final String label;

    GatewayMode(String label) {
        this.label = label;
    }

    /** The mode as Docker and the scripts spell it. */
    public String label() {
        return label;
    }

    public static GatewayMode parse(String field, String text) {
        for (GatewayMode m : values()) {
            if (m.label.equals(text)) return m;
        }
        throw new ValidationException(field, text, "unknown gateway mode", ACCEPTED);
    }

    /** Published ports are DNATed from host ports and outgoing traffic is masqueraded (with ipMasq). */
    public boolean nat() {
        return this == NAT || this == NAT_UNPROTECTED;
    }

    @Override
    public String toString() {
        return label;
    }
}
