package org.nlbridge.rtnl;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;

/**
 * An address as the kernel reported it.
 *
 * @param family    {@code AF_INET} or {@code AF_INET6}
 * @param ifindex   the link it is on
 * @param address   {@code IFA_LOCAL} (IPv4) or {@code IFA_ADDRESS} (IPv6) with the prefix length
 * @param scope     {@link Scope}
 * @param flags     {@code IFA_FLAGS} when present, else the 8-bit header flags ({@code IFA_F_PERMANENT},
 *                  {@code IFA_F_NODAD}, {@code IFA_F_TENTATIVE}, {@code IFA_F_SECONDARY}, ...)
 * @param label     {@code IFA_LABEL} (IPv4 only), or null
 * @param broadcast {@code IFA_BROADCAST}, or null
 */
public record Address(int family, int ifindex, Cidr address, int scope, int flags, String label, IpAddress broadcast) {

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }
}
