package org.nlbridge.driver.dns;

import java.util.List;

import org.nlbridge.net.DnsName;
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

    /**
     * Starts the other containers' lines when no name server runs; everything after it is rewritten in place when a
     * container of the same networks comes, goes or changes its aliases.
     */
    public static final String NEIGHBOURS = "# Containers of the same networks (no name server runs; nlbridge keeps"
            + " the lines below current)\n";

    /** One line of its own: an address and the names for it ({@code --add-host}). */
    public record Entry(IpAddress address, List<DnsName> names) {
        public Entry {
            java.util.Objects.requireNonNull(address, "address");
            names = List.copyOf(names);
            if (names.isEmpty()) throw new IllegalArgumentException("an /etc/hosts line needs a name");
        }
    }

    private HostsFile() {}

    /**
     * The whole file: {@link #hosts}, with the {@code --add-host} lines after the localhost ones (where Docker puts
     * them), then the other containers' section when there is one.
     */
    public static String hosts(Hostname hostname, List<IpAddress> addresses, boolean ipv6Disabled, List<Entry> extra,
                               String neighbours) {
        String own = hosts(hostname, addresses, ipv6Disabled);
        StringBuilder x = new StringBuilder();
        for (Entry e : extra) {
            x.append(e.address()).append('\t').append(String.join(" ", e.names().stream().map(Object::toString)
                    .toList())).append('\n');
        }
        int mine = own.length() - ownLines(hostname, addresses).length();
        return withNeighbours(own.substring(0, mine) + x + own.substring(mine), neighbours);
    }

    /** {@code hosts} with its neighbours' section replaced by {@code neighbours} (dropped when empty). */
    public static String withNeighbours(String hosts, String neighbours) {
        int at = hosts.indexOf(NEIGHBOURS);
        String head = at < 0 ? hosts : hosts.substring(0, at);
        return neighbours.isEmpty() ? head : head + NEIGHBOURS + neighbours;
    }

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
        return b.append(ownLines(hostname, addresses)).toString();
    }

    private static String ownLines(Hostname hostname, List<IpAddress> addresses) {
        String name = hostname.toString();
        int dot = name.indexOf('.');
        String names = dot < 0 ? name : name + " " + name.substring(0, dot);
        StringBuilder b = new StringBuilder();
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
