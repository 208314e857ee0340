package org.nlbridge.driver.ipam;

import org.nlbridge.net.Cidr;

/** Every allocatable address of a network's pool is held by an endpoint. */
public final class PoolExhaustedException extends RuntimeException {

    private final Cidr pool;
    private final String container;
    private final int inUse;

    PoolExhaustedException(Cidr pool, String container, int inUse) {
        super("no free address in " + pool + " for container " + container + ": " + inUse
                + (inUse == 1 ? " address" : " addresses") + " in use");
        this.pool = pool;
        this.container = container;
        this.inUse = inUse;
    }

    /** The fixed-cidr range, or the subnet if there is none. */
    public Cidr pool() {
        return pool;
    }

    public String container() {
        return container;
    }

    public int inUse() {
        return inUse;
    }
}
