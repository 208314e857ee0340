package org.nlbridge.state;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.nlbridge.net.DnsName;
import org.nlbridge.spec.DnsSpec;

/**
 * What name resolution needs beyond the endpoints and their aliases (schema version 5), kept so a restarted daemon
 * serves the same names: {@code container_dns}, the DNS settings a container's files were last written from (its
 * own merged over its network's), whose nameservers are where the name server forwards its other queries.
 */
public final class NameTable {

    static final List<String> DDL = List.of("""
            CREATE TABLE container_dns (
                container   TEXT PRIMARY KEY REFERENCES containers (name) ON DELETE CASCADE,
                nameservers TEXT NOT NULL,       -- space-separated, in order; '' for the host's
                search      TEXT NOT NULL,
                options     TEXT NOT NULL
            ) STRICT""");

    private final Tx tx;

    NameTable(Tx tx) {
        this.tx = tx;
    }

    /** Records the DNS settings a container's files were written from (the container must exist). */
    public void setDns(String container, DnsSpec dns) {
        tx.update("INSERT INTO container_dns (container, nameservers, search, options) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (container) DO UPDATE SET nameservers = excluded.nameservers,"
                        + " search = excluded.search, options = excluded.options",
                container, join(dns.nameservers()), join(dns.search()), join(dns.options()));
    }

    /** The DNS settings of a container's files, if they were written. */
    public Optional<DnsSpec> dns(String container) {
        return tx.queryOne("SELECT nameservers, search, options FROM container_dns WHERE container = ?", rs -> {
            DnsSpec.Builder b = DnsSpec.builder();
            split(rs.getString(1)).forEach(b::nameserver);
            split(rs.getString(2)).forEach(b::search);
            split(rs.getString(3)).forEach(b::option);
            return b.build();
        }, container);
    }

    private static String join(List<?> values) {
        return String.join(" ", values.stream().map(Object::toString).toList());
    }

    private static List<String> split(String text) {
        return text.isEmpty() ? List.of() : List.of(text.split(" "));
    }
}
