package org.nlbridge.net;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Docker's {@code -p} grammar: {@code [hostIp:]hostPort[-end]:containerPort[-end][/tcp|/udp]}, with an
 * IPv6 host address in brackets ({@code [::1]:8080:80}). Ports are 1..65535, the protocol defaults to
 * tcp (case-insensitive, printed lower-case), and no host address means every host address.
 *
 * <p>Ranges pair up one to one, so both sides must hold the same number of ports. Docker also accepts
 * a host range with a single container port and then picks one free host port from the range; that is
 * refused here, because a spec must say exactly which ports it publishes. A container port alone
 * ({@code -p 80}, random host port), an empty host port and sctp are not supported either.
 */
public final class PortSpec {

    public static final int MIN_PORT = 1;
    public static final int MAX_PORT = 65535;

    public static final String ACCEPTED = "[host-ip:]host-port[-end]:container-port[-end][/tcp|/udp],"
            + " like 8080:80, 127.0.0.1:8080:80/tcp or [::]:8000-8001:80-81/udp (ports 1..65535)";

    private final IpProtocol protocol;
    private final IpAddress hostIp;
    private final int hostFirst;
    private final int hostLast;
    private final int containerFirst;
    private final int containerLast;

    private PortSpec(IpProtocol protocol, IpAddress hostIp, int hostFirst, int hostLast,
                     int containerFirst, int containerLast) {
        this.protocol = protocol;
        this.hostIp = hostIp;
        this.hostFirst = hostFirst;
        this.hostLast = hostLast;
        this.containerFirst = containerFirst;
        this.containerLast = containerLast;
    }

    public static PortSpec parse(String field, String text) {
        ValidationException.requireValue(field, text, ACCEPTED);
        try {
            return parseText(text);
        } catch (Invalid e) {
            throw ValidationException.of(field, text, e, ACCEPTED);
        }
    }

    /** Host range {@code hostFirst..hostLast} to container range of the same length; {@code hostIp} may be null. */
    public static PortSpec of(IpProtocol protocol, IpAddress hostIp, int hostFirst, int hostLast,
                              int containerFirst, int containerLast) {
        Objects.requireNonNull(protocol, "protocol");
        for (int port : new int[] {hostFirst, hostLast, containerFirst, containerLast}) {
            checkPort(port);
        }
        if (hostFirst > hostLast || containerFirst > containerLast
                || hostLast - hostFirst != containerLast - containerFirst) {
            throw new IllegalArgumentException("ranges " + hostFirst + "-" + hostLast + " and "
                    + containerFirst + "-" + containerLast + " are not of one length");
        }
        return new PortSpec(protocol, hostIp, hostFirst, hostLast, containerFirst, containerLast);
    }

    private static PortSpec parseText(String s) {
        if (s.isEmpty()) {
            throw new Invalid("empty");
        }
        IpProtocol protocol = IpProtocol.TCP;
        String rest = s;
        int slash = s.indexOf('/');
        if (slash >= 0) {
            protocol = protocol(s.substring(slash + 1));
            rest = s.substring(0, slash);
        }
        IpAddress hostIp = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new Invalid("'[' without ']'");
            }
            hostIp = hostIp(rest.substring(1, close));
            if (hostIp instanceof Ipv4Address) {
                throw new Invalid("brackets are only for an IPv6 host address");
            }
            if (close + 1 == rest.length() || rest.charAt(close + 1) != ':') {
                throw new Invalid("':' expected after ']'");
            }
            rest = rest.substring(close + 2);
        } else {
            int colons = (int) rest.chars().filter(c -> c == ':').count();
            if (colons > 2) {
                throw new Invalid("too many ':'; an IPv6 host address goes in brackets, like [::1]:8080:80");
            }
            if (colons == 2) {
                int colon = rest.indexOf(':');
                if (colon == 0) {
                    throw new Invalid("empty host address; leave it out to publish on all addresses");
                }
                hostIp = hostIp(rest.substring(0, colon));
                rest = rest.substring(colon + 1);
            }
        }
        int colon = rest.indexOf(':');
        if (colon < 0) {
            throw new Invalid("no ':'; both a host port and a container port are required");
        }
        if (colon != rest.lastIndexOf(':')) {
            throw new Invalid("too many ':' after the bracketed host address");
        }
        String hostText = rest.substring(0, colon);
        String containerText = rest.substring(colon + 1);
        int[] host = range("host", hostText);
        int[] container = range("container", containerText);
        int hostCount = host[1] - host[0] + 1;
        int containerCount = container[1] - container[0] + 1;
        if (hostCount != containerCount) {
            String docker = containerCount == 1
                    ? " (a host range with one container port, where Docker picks one free host port, is not supported)"
                    : "";
            throw new Invalid(ports(hostCount, "host", hostText) + " but " + ports(containerCount, "container",
                    containerText) + "; the counts must match" + docker);
        }
        return new PortSpec(protocol, hostIp, host[0], host[1], container[0], container[1]);
    }

    private static String ports(int count, String side, String text) {
        return count + " " + side + (count == 1 ? " port (" : " ports (") + Text.quote(text) + ")";
    }

    private static IpProtocol protocol(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "tcp" -> IpProtocol.TCP;
            case "udp" -> IpProtocol.UDP;
            case "" -> throw new Invalid("empty protocol after '/'");
            default -> throw new Invalid("unknown protocol " + Text.quote(text) + " (tcp or udp)");
        };
    }

    private static IpAddress hostIp(String text) {
        try {
            return IpLiterals.parseAny(text);
        } catch (Invalid e) {
            throw new Invalid("host address " + Text.quote(text) + ": " + e.reason());
        }
    }

    /** {@code "8080"} or {@code "8080-8089"} as {first, last}. */
    private static int[] range(String side, String text) {
        if (text.isEmpty()) {
            throw new Invalid("empty " + side + " port");
        }
        int dash = text.indexOf('-');
        if (dash < 0) {
            int port = port(side, text);
            return new int[] {port, port};
        }
        if (dash == 0 || dash == text.length() - 1) {
            throw new Invalid(side + " port range " + Text.quote(text) + " is incomplete");
        }
        int first = port(side, text.substring(0, dash));
        int last = port(side, text.substring(dash + 1));
        if (first > last) {
            throw new Invalid(side + " port range " + Text.quote(text) + " ends before it starts");
        }
        return new int[] {first, last};
    }

    private static int port(String side, String text) {
        int port;
        try {
            port = Digits.parseDecimal(text);
        } catch (Invalid e) {
            throw new Invalid(side + " port " + Text.quote(text) + ": " + e.reason());
        }
        if (port < MIN_PORT || port > MAX_PORT) {
            throw new Invalid(side + " port " + Text.quote(text) + " outside " + MIN_PORT + ".." + MAX_PORT);
        }
        return port;
    }

    static void checkPort(int port) {
        if (port < MIN_PORT || port > MAX_PORT) {
            throw new IllegalArgumentException("port " + port + " outside " + MIN_PORT + ".." + MAX_PORT);
        }
    }

    /** {@code ""}, {@code "10.0.0.1:"} or {@code "[::1]:"}. */
    static String hostPrefix(IpAddress hostIp) {
        return switch (hostIp) {
            case null -> "";
            case Ipv4Address v4 -> v4 + ":";
            case Ipv6Address v6 -> "[" + v6 + "]:";
        };
    }

    public IpProtocol protocol() {
        return protocol;
    }

    /** The host address to publish on, or null for all host addresses. */
    public IpAddress hostIp() {
        return hostIp;
    }

    public int hostPortFirst() {
        return hostFirst;
    }

    public int hostPortLast() {
        return hostLast;
    }

    public int containerPortFirst() {
        return containerFirst;
    }

    public int containerPortLast() {
        return containerLast;
    }

    /** How many ports the spec publishes (at least 1). */
    public int portCount() {
        return hostLast - hostFirst + 1;
    }

    /** One mapping per port, in port order. */
    public List<PortMapping> mappings() {
        PortMapping[] all = new PortMapping[portCount()];
        for (int i = 0; i < all.length; i++) {
            all[i] = new PortMapping(protocol, hostIp, hostFirst + i, containerFirst + i);
        }
        return List.of(all);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PortSpec p && p.protocol == protocol && Objects.equals(p.hostIp, hostIp)
                && p.hostFirst == hostFirst && p.hostLast == hostLast
                && p.containerFirst == containerFirst && p.containerLast == containerLast;
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocol, hostIp, hostFirst, hostLast, containerFirst, containerLast);
    }

    /** Canonical {@code -p} text: single ports without "-end", the protocol always spelled out. */
    @Override
    public String toString() {
        return hostPrefix(hostIp) + range(hostFirst, hostLast) + ":" + range(containerFirst, containerLast)
                + "/" + protocol;
    }

    private static String range(int first, int last) {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }
}
