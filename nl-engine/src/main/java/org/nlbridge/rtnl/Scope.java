package org.nlbridge.rtnl;

import org.nlbridge.bindings.linux.Uapi;

/**
 * Address and route scopes ({@code RT_SCOPE_*}): how far from this host an address or destination is meaningful.
 * Plain ints, as the kernel keeps them: any value 0..255 is legal on the wire and decoded as is.
 */
public final class Scope {
    private Scope() {}

    /** {@code global}: anywhere. */
    public static final int UNIVERSE = Uapi.RT_SCOPE_UNIVERSE();
    public static final int SITE = Uapi.RT_SCOPE_SITE();
    /** {@code link}: on the directly attached link only (a route without a gateway). */
    public static final int LINK = Uapi.RT_SCOPE_LINK();
    /** {@code host}: this host only (local addresses and routes). */
    public static final int HOST = Uapi.RT_SCOPE_HOST();
    /** {@code nowhere}: no destination; in a delete request, "any scope". */
    public static final int NOWHERE = Uapi.RT_SCOPE_NOWHERE();

    /** The iproute2 spelling ({@code global}, {@code link}, ...), or the number. */
    public static String name(int scope) {
        if (scope == UNIVERSE) return "global";
        if (scope == SITE) return "site";
        if (scope == LINK) return "link";
        if (scope == HOST) return "host";
        if (scope == NOWHERE) return "nowhere";
        return Integer.toString(scope);
    }
}
