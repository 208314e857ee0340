package org.nlbridge.nft;

import org.nlbridge.net.ValidationException;

/**
 * A base chain's priority: a signed 32-bit number, lower runs first. nft's standard names are constants here: for
 * ip, ip6 and inet {@link #RAW}, {@link #MANGLE}, {@link #DSTNAT}, {@link #FILTER}, {@link #SECURITY},
 * {@link #SRCNAT}; for the bridge family, whose hooks have their own scale, {@link #BRIDGE_DSTNAT},
 * {@link #BRIDGE_FILTER}, {@link #BRIDGE_OUT}, {@link #BRIDGE_SRCNAT}. {@link #parse} reads what nft accepts
 * ({@code -100}, {@code dstnat}, {@code filter + 10}) and {@link #toString(Family, Hook)} prints what
 * {@code nft list} prints.
 */
public record Priority(int value) {
    public static final Priority RAW = new Priority(-300);
    public static final Priority MANGLE = new Priority(-150);
    public static final Priority DSTNAT = new Priority(-100);
    public static final Priority FILTER = new Priority(0);
    public static final Priority SECURITY = new Priority(50);
    public static final Priority SRCNAT = new Priority(100);
    /** Bridge family {@code dstnat} ({@code NF_BR_PRI_NAT_DST_BRIDGED}). */
    public static final Priority BRIDGE_DSTNAT = new Priority(-300);
    /** Bridge family {@code filter} ({@code NF_BR_PRI_FILTER_BRIDGED}): where ebtables' filter table runs. */
    public static final Priority BRIDGE_FILTER = new Priority(-200);
    /** Bridge family {@code out} ({@code NF_BR_PRI_NAT_DST_OTHER}). */
    public static final Priority BRIDGE_OUT = new Priority(100);
    /** Bridge family {@code srcnat} ({@code NF_BR_PRI_NAT_SRC}). */
    public static final Priority BRIDGE_SRCNAT = new Priority(300);
    /** Connection tracking runs here; the kernel refuses nat chains at or below it. */
    public static final int CONNTRACK = -200;

    static final String ACCEPTED = "an integer -2147483648..2147483647, or raw, mangle, dstnat, filter, security,"
            + " srcnat, optionally followed by + N or - N";
    static final String ACCEPTED_BRIDGE = "an integer -2147483648..2147483647, or dstnat, filter, out, srcnat,"
            + " optionally followed by + N or - N";

    private static final String[] NAMES = {"raw", "mangle", "dstnat", "filter", "security", "srcnat"};
    private static final int[] VALUES = {-300, -150, -100, 0, 50, 100};
    /** The hook each name is limited to when printed (null: every hook): nft's {@code std_prio_family_hook_compat}. */
    private static final Hook[] ONLY = {null, null, Hook.PREROUTING, null, null, Hook.POSTROUTING};
    private static final String[] BRIDGE_NAMES = {"dstnat", "filter", "out", "srcnat"};
    private static final int[] BRIDGE_VALUES = {-300, -200, 100, 300};
    private static final Hook[] BRIDGE_ONLY = {Hook.PREROUTING, null, Hook.OUTPUT, Hook.POSTROUTING};
    /** How far from a standard value nft still prints it as {@code name + N}. */
    private static final int REACH = 10;

    public static Priority of(int value) {
        return new Priority(value);
    }

    /** This priority moved by {@code delta}; the result must stay within 32 bits. */
    public Priority plus(int delta) {
        return new Priority(Math.addExact(value, delta));
    }

    /** Parses an ip, ip6 or inet priority: {@code -100}, {@code dstnat}, {@code filter + 10}, {@code srcnat-5}. */
    public static Priority parse(String field, String text) {
        return parse(Family.IP, field, text);
    }

    /** Parses a priority with the standard names of {@code family} (the bridge family has its own). */
    public static Priority parse(Family family, String field, String text) {
        boolean bridge = family == Family.BRIDGE;
        String accepted = bridge ? ACCEPTED_BRIDGE : ACCEPTED;
        if (text == null) throw new ValidationException(field, null, "no value given", accepted);
        String t = text.strip();
        long base;
        String rest;
        int i = 0;
        while (i < t.length() && Character.isLetter(t.charAt(i))) i++;
        if (i > 0) {
            String name = t.substring(0, i);
            int k = indexOf(bridge ? BRIDGE_NAMES : NAMES, name);
            if (k < 0) throw new ValidationException(field, text, "unknown priority name \"" + name + "\"", accepted);
            base = (bridge ? BRIDGE_VALUES : VALUES)[k];
            rest = t.substring(i).strip();
            if (rest.isEmpty()) return new Priority((int) base);
            char sign = rest.charAt(0);
            if (sign != '+' && sign != '-') {
                throw new ValidationException(field, text, "expected + or - after " + name, accepted);
            }
            String num = rest.substring(1).strip();
            long off = number(field, text, num, accepted);
            base += sign == '+' ? off : -off;
        } else {
            base = number(field, text, t, accepted);
        }
        if (base < Integer.MIN_VALUE || base > Integer.MAX_VALUE) {
            throw new ValidationException(field, text, "out of the signed 32-bit range", accepted);
        }
        return new Priority((int) base);
    }

    private static long number(String field, String text, String num, String accepted) {
        if (num.isEmpty() || num.length() > 12 || !num.matches("-?[0-9]+")) {
            throw new ValidationException(field, text, "not a number", accepted);
        }
        return Long.parseLong(num);
    }

    private static int indexOf(String[] names, String name) {
        for (int k = 0; k < names.length; k++) {
            if (names[k].equals(name)) return k;
        }
        return -1;
    }

    /** As {@code nft list} prints it for a chain on {@code hook} of an ip, ip6 or inet table. */
    public String toString(Hook hook) {
        return toString(Family.IP, hook);
    }

    /**
     * As {@code nft list} prints it for a chain on {@code hook} in a table of {@code family}: a standard name of the
     * family (with an offset of at most 10) where that name applies to the hook ({@code dstnat} only on prerouting,
     * {@code srcnat} only on postrouting, bridge {@code out} only on output), else the number.
     */
    public String toString(Family family, Hook hook) {
        boolean bridge = family == Family.BRIDGE;
        String[] names = bridge ? BRIDGE_NAMES : NAMES;
        int[] values = bridge ? BRIDGE_VALUES : VALUES;
        Hook[] only = bridge ? BRIDGE_ONLY : ONLY;
        for (int k = 0; k < values.length; k++) {
            long off = (long) value - values[k];
            if (Math.abs(off) <= REACH) {
                if (only[k] != null && only[k] != hook) break;
                if (off == 0) return names[k];
                return names[k] + (off > 0 ? " + " + off : " - " + -off);
            }
        }
        return Integer.toString(value);
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
