package org.nlbridge.cluster.ipam;

import org.nlbridge.net.IpAddress;

/** The address asked for is held by someone else, named by its holder value. */
public final class AddressInUseException extends RuntimeException {
    private final IpAddress address;
    private final String holder;

    AddressInUseException(IpAddress address, String holder) {
        super("address " + address + " is already allocated in the cluster store (to " + holder + ")");
        this.address = address;
        this.holder = holder;
    }

    public IpAddress address() {
        return address;
    }

    public String holder() {
        return holder;
    }
}
