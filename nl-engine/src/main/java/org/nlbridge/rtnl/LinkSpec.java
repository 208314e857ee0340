package org.nlbridge.rtnl;

import org.nlbridge.net.IfName;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.Mtu;

/**
 * Intent for a link to create with {@link LinkRequests#add}: validated when built, so a spec that exists is one the
 * kernel can be asked for. The optional parts are null (or false) when not wanted; the kernel's defaults then apply.
 */
public sealed interface LinkSpec permits BridgeSpec, VethSpec, DummySpec, VxlanSpec {

    /** The link's name. */
    IfName name();

    /** {@code IFLA_INFO_KIND}: {@code bridge}, {@code veth}, {@code dummy}, {@code vxlan}. */
    String kind();

    /** MTU, or null for the kernel's default. */
    Mtu mtu();

    /** MAC address, or null for a random one. */
    MacAddress mac();

    /**
     * {@code IFLA_IFALIAS}, e.g. the ownership marker {@code nlbridge:<owner>}, or null. The kernel ignores an alias
     * inside a create request, so {@link LinkRequests#add} sets it right after the create is acknowledged.
     */
    String alias();

    /** Settings as a port of its master bridge, set right after the create is acknowledged (like the alias), or null. */
    default BridgePortSpec bridgePort() {
        return null;
    }

    /** Whether the link is brought up by the create itself ({@code IFF_UP} in the request's {@code ifinfomsg}). */
    boolean up();
}
