package org.nlbridge.cluster.ipam;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;

/** Every address of the range is allocated somewhere in the cluster. */
public final class NoFreeAddressException extends RuntimeException {
    NoFreeAddressException(Cidr subnet, IpAddress first, IpAddress last) {
        super("no free address in " + subnet + " (" + first + " to " + last + " are all allocated in the cluster store)");
    }
}
