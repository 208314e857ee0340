package org.nlbridge.driver.dns;

import java.util.List;

import org.nlbridge.net.Hostname;
import org.nlbridge.net.IpAddress;

/**
 * The container's {@code /etc/hosts} and {@code /etc/hostname}, as Docker writes them (moby {@code etchosts},
 * {@code sandbox_dns_unix.go}). Every name comes from a strict type, so no value can add a line or a field.
 */
public final class HostsFile {

    private static final String LOCALHOST_V4 = "127.0.0.1\tlocalhost\n";
    /** Debian's standard IPv6 entries, which Docker copies; pointless and misleading without IPv6. */
    private static final String LOCALHOST_V6 = """
            ::1\tlocalhost ip6-localhost ip6-loopback
            fe00::\tip6-localnet
            ff00::\tip6-mcastprefix
            ff02::1\tip6-allnodes
            ff02::2\tip6-allrouters
            """;

    private HostsFile() {}

    /**
     * The localhost lines, the IPv6 lines unless IPv6 is disabled in the container, then one
     * {@code <ip>\t<hostname>} line per address in the order given; a dotted host name is followed by its
     * first label ({@code <ip>\tdb.example.internal db}), so both spellings resolve.
     */
    public static String hosts(Hostname hostname, List<IpAddress> addresses, boolean ipv6Disabled) {
        StringBuilder b = new StringBuilder(LOCALHOST_V4);
        if (!ipv6Disabled) {
            b.append(LOCALHOST_V6);
        }
        String name = hostname.toString();
        int dot = name.indexOf('.');
        String names = dot < 0 ? name : name + " " + name.substring(0, dot);
        for (IpAddress a : addresses) {
            b.append(a).append('\t').append(names).append('\n');
        }
        return b.toString();
    }

    /** {@code /etc/hostname}: the name and a newline. */
    public static String hostname(Hostname hostname) {
        return hostname + "\n";
    }
}
