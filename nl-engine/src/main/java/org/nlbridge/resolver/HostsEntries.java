package org.nlbridge.resolver;

import java.util.List;

import org.nlbridge.net.DnsName;
import org.nlbridge.net.IpAddress;

/**
 * Name resolution without a name server: {@code /etc/hosts} lines for the other containers of a container's
 * networks, rendered from the same {@link NetworkNames} tables the server answers from. This is what a one-shot CLI
 * writes when no daemon runs (Docker's legacy way, as for {@code --link}): {@code <ip>\t<name> <name.network>
 * <aliases...>}, one line per address, networks in the container's order. The lines are as current as the moment
 * they were written; every name is a {@link DnsName}, so no value can add a line or a field.
 */
public final class HostsEntries {

    private HostsEntries() {}

    /** The lines for every container on {@code networks} except {@code self}, each ending in a newline. */
    public static String lines(List<NetworkNames> networks, DnsName self) {
        StringBuilder b = new StringBuilder();
        for (NetworkNames t : networks) {
            for (Endpoint e : t.endpoints()) {
                if (e.container().equals(self)) continue;
                StringBuilder names = new StringBuilder(e.container().toString());
                if (t.networkKey() != null) names.append(' ').append(e.container()).append('.').append(t.network());
                for (DnsName a : e.aliases()) names.append(' ').append(a);
                line(b, e.ipv4(), names);
                line(b, e.ipv6(), names);
            }
        }
        return b.toString();
    }

    private static void line(StringBuilder b, IpAddress a, CharSequence names) {
        if (a != null) b.append(a).append('\t').append(names).append('\n');
    }
}
