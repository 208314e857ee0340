package org.nlbridge.driver.overlay;

import java.util.List;
import java.util.Optional;

import org.nlbridge.cluster.ClusterOptions;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netlink.NoSuchObjectException;
import org.nlbridge.rtnl.Address;
import org.nlbridge.rtnl.Link;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.rtnl.VxlanSpec;

/**
 * The host's side of the underlay, from {@code --cluster-advertise}: the address other hosts send VXLAN to, the
 * interface that holds it (the VXLAN devices' underlay device, so the kernel enforces the MTU), and its MTU.
 *
 * @param address the advertise address (the local VTEP)
 * @param ifindex the interface holding it
 * @param ifname  its name
 * @param mtu     its MTU; an overlay network's MTU is at most this minus {@value VxlanSpec#OVERHEAD_IPV4}
 */
record Underlay(Ipv4Address address, int ifindex, String ifname, int mtu) {

    /** The largest MTU inside the tunnel: the underlay's minus the VXLAN overhead over IPv4. */
    int overlayMtu() {
        return mtu - VxlanSpec.OVERHEAD_IPV4;
    }

    /**
     * Resolves {@code advertise} (an IPv4 address of the host, or an interface name) in the host namespace.
     *
     * @throws ValidationException naming {@code cluster-advertise} when no interface has the address, the interface
     *                             does not exist or has no IPv4 address
     */
    static Underlay resolve(Rtnl rtnl, String advertise) {
        String value = ClusterOptions.checkAdvertise(advertise);
        List<Address> v4 = rtnl.addresses().list(IpAddress.AF_INET, 0);
        if (Character.isDigit(value.charAt(0)) && value.matches("[0-9.]+")) {
            Ipv4Address want = Ipv4Address.parse("cluster-advertise", value);
            for (Address a : v4) {
                if (a.address().address().equals(want)) return of(rtnl, want, a.ifindex());
            }
            throw new ValidationException("cluster-advertise", advertise, "no interface of the host namespace has this"
                    + " address", ClusterOptions.ACCEPTED_ADVERTISE);
        }
        Optional<Link> l = rtnl.links().find(value);
        if (l.isEmpty()) {
            throw new ValidationException("cluster-advertise", advertise, "no such interface in the host namespace",
                    ClusterOptions.ACCEPTED_ADVERTISE);
        }
        for (Address a : v4) {
            if (a.ifindex() == l.get().index()) return of(rtnl, (Ipv4Address) a.address().address(), a.ifindex());
        }
        throw new ValidationException("cluster-advertise", advertise, "interface " + value + " has no IPv4 address",
                ClusterOptions.ACCEPTED_ADVERTISE);
    }

    private static Underlay of(Rtnl rtnl, Ipv4Address address, int ifindex) {
        try {
            Link l = rtnl.links().get(ifindex);
            if (l.mtu() - VxlanSpec.OVERHEAD_IPV4 < 68) {
                throw new ValidationException("cluster-advertise", l.name(), "its MTU " + l.mtu() + " leaves less than 68"
                        + " bytes inside VXLAN", "an underlay interface with an MTU of 118 or more (1500 gives 1450)");
            }
            return new Underlay(address, ifindex, l.name(), l.mtu());
        } catch (NoSuchObjectException gone) {
            throw new ValidationException("cluster-advertise", address.toString(), "its interface went away",
                    ClusterOptions.ACCEPTED_ADVERTISE);
        }
    }
}
