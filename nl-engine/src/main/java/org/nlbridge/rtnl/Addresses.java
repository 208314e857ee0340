package org.nlbridge.rtnl;

import java.util.ArrayList;
import java.util.List;

import org.nlbridge.netlink.DumpRequest;
import org.nlbridge.netlink.DumpVisitor;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.NoSuchObjectException;

/**
 * Addresses of one namespace, through an {@link Rtnl} handle: the verbs of {@link AddressRequests}, each sent at
 * once and throwing on refusal, plus {@link #list}. Not thread-safe.
 */
public final class Addresses extends AddressRequests {
    private final Rtnl rtnl;
    private final AddressView view = new AddressView();
    private List<Address> out;
    private int familyFilter;
    private int indexFilter;
    private final DumpVisitor collector = new DumpVisitor() {
        @Override
        public void message(MsgCursor msg) {
            if (msg.type() == Rt.RTM_NEWADDR && view.reset(msg)
                    && (indexFilter == 0 || view.ifindex() == indexFilter)) {
                out.add(view.toAddress());
            }
        }

        @Override
        public void restart() {
            out.clear();
        }
    };
    private final DumpRequest request = w -> {
        long h = w.reserve(Rt.IFADDRMSG);
        w.setU8(h + Rt.IFA_FAMILY, familyFilter);
        w.setU32(h + Rt.IFA_INDEX, indexFilter); // honoured by the kernel under NETLINK_GET_STRICT_CHK
    };

    Addresses(Rtnl rtnl) {
        super(rtnl.direct());
        this.rtnl = rtnl;
    }

    @Override
    void commit() {
        batch.execute().throwIfFailed();
    }

    /**
     * Removes an address if the link has it; returns whether it did. For teardown, where "already gone" (or the link
     * gone) counts as done. Equivalent to: {@code ip addr del $address dev $link}, ignoring "Cannot assign".
     */
    public boolean deleteIfExists(AddressSpec spec) {
        try {
            delete(spec);
            return true;
        } catch (NoSuchObjectException e) {
            return false;
        }
    }

    /** Every IPv4 and IPv6 address of the namespace. Equivalent to: {@code ip addr show}. */
    public List<Address> list() {
        return list(Rt.AF_UNSPEC, 0);
    }

    /** The addresses of one link. Equivalent to: {@code ip addr show dev $link}. */
    public List<Address> list(int ifindex) {
        return list(Rt.AF_UNSPEC, Checks.index("address.ifindex", ifindex));
    }

    /**
     * The addresses of one family ({@code AF_INET} or {@code AF_INET6}, or {@code AF_UNSPEC} for both), on one link
     * or on all ({@code ifindex} 0). Equivalent to: {@code ip -4 addr show [dev $link]}.
     */
    public List<Address> list(int family, int ifindex) {
        if (family != Rt.AF_UNSPEC && family != Rt.AF_INET && family != Rt.AF_INET6) {
            throw new IllegalArgumentException("address family " + family + " is none of AF_UNSPEC, AF_INET, AF_INET6");
        }
        if (ifindex < 0) {
            Checks.index("address.ifindex", ifindex);
        }
        List<Address> result = new ArrayList<>();
        out = result;
        familyFilter = family;
        indexFilter = ifindex;
        try {
            rtnl.dump().run(Rt.RTM_GETADDR, ifindex > 0 ? "addresses of ifindex " + ifindex : "addresses", request,
                    collector);
        } finally {
            out = null;
        }
        return result;
    }
}
