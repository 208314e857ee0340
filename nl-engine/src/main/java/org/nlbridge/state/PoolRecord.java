package org.nlbridge.state;

import java.util.Objects;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;

/**
 * An address pool handed to a runtime's own IPAM (Docker's {@code IpamDriver.RequestPool}).
 *
 * @param id     what the runtime keeps to name it
 * @param space  the runtime's address space
 * @param range  null: addresses come from the whole subnet
 * @param last   the round-robin cursor: the last address handed out without a preference, or null
 */
public record PoolRecord(String id, String space, Cidr subnet, Cidr range, IpAddress last) {
    public PoolRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(subnet, "subnet");
    }
}
