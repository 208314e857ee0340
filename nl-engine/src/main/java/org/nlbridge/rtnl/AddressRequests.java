package org.nlbridge.rtnl;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.netlink.Batch;
import org.nlbridge.netlink.MsgWriter;

/**
 * The address verbs that change the kernel, shared by the direct handle ({@link Rtnl#addresses()}) and a batch
 * ({@link RtnlBatch#addresses()}); see {@link LinkRequests} for how the two differ.
 */
public abstract sealed class AddressRequests permits Addresses, RtnlBatch.BatchAddresses {
    final Batch batch;
    private final Enc enc = new Enc();

    AddressRequests(Batch batch) {
        this.batch = batch;
    }

    abstract void commit();

    /**
     * Adds an address; {@link org.nlbridge.netlink.ObjectExistsException} if the link already has it.
     * Equivalent to: {@code ip addr add $address [brd +] [nodad] dev $link}.
     */
    public void add(AddressSpec spec) {
        send(Rt.RTM_NEWADDR, Rt.ADD, spec);
    }

    /**
     * Makes it so: adds the address, or accepts it as it is if the link has it already (converges, for reconcile
     * and re-runs after a crash). For an existing IPv4 address the kernel refreshes only its lifetimes and metric,
     * not its broadcast or scope: delete and add to change those. Equivalent to: {@code ip addr replace $address dev
     * $link}.
     */
    public void replace(AddressSpec spec) {
        send(Rt.RTM_NEWADDR, Rt.REPLACE, spec);
    }

    /**
     * Removes an address; {@link org.nlbridge.netlink.NoSuchObjectException} ({@code EADDRNOTAVAIL}) if the link
     * does not have it. Equivalent to: {@code ip addr del $address dev $link}.
     */
    public void delete(AddressSpec spec) {
        send(Rt.RTM_DELADDR, 0, spec);
    }

    /** Equivalent to: {@code ip addr del $address dev $link}. */
    public void delete(int ifindex, Cidr address) {
        delete(AddressSpec.of(ifindex, address));
    }

    private void send(int type, int flags, AddressSpec spec) {
        MsgWriter w = batch.begin(type, flags, spec);
        long h = w.reserve(Rt.IFADDRMSG);
        Cidr c = spec.address();
        IpAddress a = c.address();
        w.setU8(h + Rt.IFA_FAMILY, a.family());
        w.setU8(h + Rt.IFA_PREFIXLEN, c.prefixLength());
        w.setU8(h + Rt.IFA_FLAGS_U8, spec.flags() & 0xff);
        w.setU8(h + Rt.IFA_SCOPE, spec.scope());
        w.setU32(h + Rt.IFA_INDEX, spec.ifindex());
        // as iproute2: IFA_LOCAL is the address, IFA_ADDRESS the peer, which is the address itself without one
        enc.putAddress(w, Rt.IFA_LOCAL, a);
        enc.putAddress(w, Rt.IFA_ADDRESS, a);
        if (spec.broadcast() != null && type != Rt.RTM_DELADDR) {
            enc.putAddress(w, Rt.IFA_BROADCAST, spec.broadcast());
        }
        if ((spec.flags() & ~0xff) != 0) {
            w.putU32(Rt.IFA_FLAGS, spec.flags());
        }
        batch.end();
        commit();
    }
}
