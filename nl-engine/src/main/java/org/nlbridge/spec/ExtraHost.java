package org.nlbridge.spec;

import java.util.Objects;

import org.nlbridge.net.DnsName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;

/**
 * One line the user adds to a container's {@code /etc/hosts}: Docker's {@code --add-host NAME:IP}.
 *
 * @param name    the host name, a {@link DnsName} (so it cannot carry a separator or a newline into the file)
 * @param address the address, or null for {@code host-gateway}: the gateway of the container's network (its IPv4
 *                and, on a network with IPv6, its IPv6 gateway address), resolved when the file is written
 */
public record ExtraHost(DnsName name, IpAddress address) {

    /** Docker's special value for the host as the container sees it. */
    public static final String HOST_GATEWAY = "host-gateway";

    public static final String ACCEPTED = "NAME:IP or NAME=IP, like db.local:10.1.2.3, db6:2001:db8::5,"
            + " db6:[2001:db8::5] or host.docker.internal:host-gateway (the network's gateway)";

    public ExtraHost {
        Objects.requireNonNull(name, "name");
    }

    /**
     * Parses Docker's forms: the name ends at the first {@code =}, or else at the first {@code :} (an IPv6 address
     * may follow, bracketed or not); the address is an IP literal (never resolved) or {@code host-gateway}.
     */
    public static ExtraHost parse(String field, String text) {
        if (text == null) throw new ValidationException(field, null, "no value given", ACCEPTED);
        int eq = text.indexOf('=');
        int cut = eq >= 0 ? eq : text.indexOf(':');
        if (cut <= 0) {
            throw new ValidationException(field, text, cut == 0 ? "no host name before the separator"
                    : "no ':' or '=' between the host name and the address", ACCEPTED);
        }
        DnsName name;
        try {
            name = DnsName.parse(field, text.substring(0, cut));
        } catch (ValidationException e) {
            throw new ValidationException(field, text, "host name: " + e.reason(), ACCEPTED);
        }
        String ip = text.substring(cut + 1);
        if (ip.equals(HOST_GATEWAY)) return new ExtraHost(name, null);
        if (ip.startsWith("[") && ip.endsWith("]")) ip = ip.substring(1, ip.length() - 1);
        if (ip.isEmpty()) throw new ValidationException(field, text, "no address after the host name", ACCEPTED);
        IpAddress a;
        try {
            a = IpAddress.parse(field, ip);
        } catch (ValidationException e) {
            throw new ValidationException(field, text, "address: " + e.reason(), ACCEPTED);
        }
        return new ExtraHost(name, a);
    }

    /** {@code --add-host} points at the network's gateway. */
    public boolean hostGateway() {
        return address == null;
    }

    /** {@code name:ip} as Docker prints it, {@code name:host-gateway}. */
    @Override
    public String toString() {
        return name + ":" + (address == null ? HOST_GATEWAY : address.toString());
    }
}
