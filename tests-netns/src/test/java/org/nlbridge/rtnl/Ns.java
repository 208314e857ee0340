package org.nlbridge.rtnl;

import org.nlbridge.netns.NetNs;

/** A sandbox namespace opened for a test: its {@link NetNs} handle and an {@link Rtnl} handle on it, closed together. */
final class Ns implements AutoCloseable {
    final String name;
    final NetNs netns;
    final Rtnl rtnl;

    private Ns(String name, NetNs netns, Rtnl rtnl) {
        this.name = name;
        this.netns = netns;
        this.rtnl = rtnl;
    }

    static Ns open(String name) {
        NetNs ns = NetNs.open(name);
        try {
            return new Ns(name, ns, Rtnl.open(ns));
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    Links links() {
        return rtnl.links();
    }

    Addresses addresses() {
        return rtnl.addresses();
    }

    Routes routes() {
        return rtnl.routes();
    }

    @Override
    public void close() {
        try {
            rtnl.close();
        } finally {
            netns.close();
        }
    }
}
