package org.nlbridge.nft;

import org.nlbridge.net.ValidationException;

/**
 * A base chain's priority: a signed 32-bit number, lower runs first. nft's standard names for ip, ip6 and inet are
 * constants here; {@link #parse} reads what nft accepts ({@code -100}, {@code dstnat}, {@code filter + 10}) and
 * {@link #toString(Hook)} prints what {@code nft list} prints.
 */
public record Priority(int value) {
    public static final Priority RAW = new Priority(-300);
    public static final Priority MANGLE = new Priority(-150);
    public static final Priority DSTNAT = new Priority(-100);
    public static final Priority FILTER = new Priority(0);
    public static final Priority SECURITY = new Priority(50);
    public static final Priority SRCNAT = new Priority(100);
    /** Connection tracking runs here; the kernel refuses nat chains at or below it. */
    public static final int CONNTRACK = -200;

    static final String ACCEPTED = "an integer -2147483648..2147483647, or raw, mangle, dstnat, filter, security,"
            + " srcnat, optionally followed by + N or - N";

    private static final String[] NAMES = {"raw", "mangle", "dstnat", "filter", "security", "srcnat"};
    private static final int[] VALUES = {-300, -150, -100, 0, 50, 100};
    /** How far from a standard value nft still prints it as {@code name + N}. */
    private static final int REACH = 10;

    public static Priority of(int value) {
        return new Priority(value);
    }

    /** This priority moved by {@code delta}; the result must stay within 32 bits. */
    public Priority plus(int delta) {
        return new Priority(Math.addExact(value, delta));
    }

    /** Parses {@code -100}, {@code dstnat}, {@code filter + 10}, {@code srcnat-5}. */
    public static Priority parse(String field, String text) {
        if (text == null) throw new ValidationException(field, null, "no value given", ACCEPTED);
        String t = text.strip();
        long base;
        String rest;
        int i = 0;
        while (i < t.length() && Character.isLetter(t.charAt(i))) i++;
        if (i > 0) {
            String name = t.substring(0, i);
            int k = indexOf(name);
            if (k < 0) throw new ValidationException(field, text, "unknown priority name \"" + name + "\"", ACCEPTED);
            base = VALUES[k];
            rest = t.substring(i).strip();
            if (rest.isEmpty()) return new Priority((int) base);
            char sign = rest.charAt(0);
            if (sign != '+' && sign != '-') throw new ValidationException(field, text, "expected + or - after " + name, ACCEPTED);
            String num = rest.substring(1).strip();
            long off = number(field, text, num);
            base += sign == '+' ? off : -off;
        } else {
            base = number(field, text, t);
        }
        if (base < Integer.MIN_VALUE || base > Integer.MAX_VALUE) {
            throw new ValidationException(field, text, "out of the signed 32-bit range", ACCEPTED);
        }
        return new Priority((int) base);
    }

    private static long number(String field, String text, String num) {
        if (num.isEmpty() || num.length() > 12 || !num.matches("-?[0-9]+")) {
            throw new ValidationException(field, text, "not a number", ACCEPTED);
        }
        return Long.parseLong(num);
    }

    private static int indexOf(String name) {
        for (int k = 0; k < NAMES.length; k++) {
            if (NAMES[k].equals(name)) return k;
        }
        return -1;
    }

    /**
     * As {@code nft list} prints it for a chain on {@code hook}: a standard name (with an offset of at most 10) where
     * that name applies to the hook ({@code dstnat} only on prerouting, {@code srcnat} only on postrouting), else
     * the number.
     */
    public String toString(Hook hook) {
        for (int k = 0; k < VALUES.length; k++) {
            long off = (long) value - VALUES[k];
            if (Math.abs(off) <= REACH) {
                if ((k == 2 && hook != Hook.PREROUTING) || (k == 5 && hook != Hook.POSTROUTING)) break;
                if (off == 0) return NAMES[k];
                return NAMES[k] + (off > 0 ? " + " + off : " - " + -off);
            }
        }
        return Integer.toString(value);
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
