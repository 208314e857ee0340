package org.nlbridge.rtnl;

import org.nlbridge.bindings.linux.Uapi;

/**
 * Neighbour and FDB entry states ({@code NUD_*}, the {@code nud} of {@code ip neigh} and the state of
 * {@code bridge fdb}). Plain ints, as the kernel keeps them; a state is one of these bits.
 */
public final class Nud {
    private Nud() {}

    /**
     * {@code permanent}: never expires, never re-resolved. The state of every entry the overlay writes: ARP/ND
     * entries and VXLAN FDB entries. On a bridge's own FDB ({@code master}) it means "local": frames to it are
     * delivered to the host, not forwarded; use {@link #NOARP} there.
     */
    public static final int PERMANENT = Uapi.NUD_PERMANENT();
    /** {@code noarp}; on a bridge's FDB {@code static}: forwarded to its port, never aged. */
    public static final int NOARP = Uapi.NUD_NOARP();
    /** {@code reachable}; on an FDB {@code dynamic}: ages out. */
    public static final int REACHABLE = Uapi.NUD_REACHABLE();
    public static final int STALE = Uapi.NUD_STALE();
    public static final int DELAY = Uapi.NUD_DELAY();
    public static final int PROBE = Uapi.NUD_PROBE();
    public static final int FAILED = Uapi.NUD_FAILED();
    public static final int INCOMPLETE = Uapi.NUD_INCOMPLETE();
    public static final int NONE = Uapi.NUD_NONE();

    /** The iproute2 spelling ({@code permanent}, {@code noarp}, ...), several joined by {@code |}, or the number. */
    public static String name(int state) {
        if (state == NONE) return "none";
        StringBuilder b = new StringBuilder();
        int rest = state;
        int[] bits = {PERMANENT, NOARP, REACHABLE, STALE, DELAY, PROBE, FAILED, INCOMPLETE};
        String[] names = {"permanent", "noarp", "reachable", "stale", "delay", "probe", "failed", "incomplete"};
        for (int i = 0; i < bits.length; i++) {
            if ((state & bits[i]) != 0) {
                b.append(b.isEmpty() ? "" : "|").append(names[i]);
                rest &= ~bits[i];
            }
        }
        if (rest != 0) {
            b.append(b.isEmpty() ? "" : "|").append("0x").append(Integer.toHexString(rest));
        }
        return b.toString();
    }
}
