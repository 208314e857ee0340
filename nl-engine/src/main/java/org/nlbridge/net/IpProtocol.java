package org.nlbridge.net;

import java.util.Locale;

/** The transport protocols a port can be published for. */
public enum IpProtocol {
    TCP(6),
    UDP(17);

    private final int number;

    IpProtocol(int number) {
        this.number = number;
    }

    /** {@code IPPROTO_TCP} / {@code IPPROTO_UDP}, as nftables matches on {@code meta l4proto}. */
    public int number() {
        return number;
    }

    /** "tcp" or "udp", as in {@code -p 8080:80/udp}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
