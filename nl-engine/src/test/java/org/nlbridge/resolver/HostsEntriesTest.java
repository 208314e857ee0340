package org.nlbridge.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.nlbridge.resolver.Queries.endpoint;
import static org.nlbridge.resolver.Queries.name;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The legacy /etc/hosts lines, from the same tables the server answers from. */
class HostsEntriesTest {

    @Test
    void everyOtherContainerOfEveryNetworkInOrder() {
        NetworkNames backend = NetworkNames.builder("backend")
                .add(endpoint("web", "172.18.0.2", null))
                .add(endpoint("db", "172.18.0.3", "fd00:18::3", "database", "pg"))
                .build();
        NetworkNames front = NetworkNames.builder("front.end")
                .add(endpoint("web", "172.19.0.2", null))
                .add(endpoint("api", "172.19.0.3", null))
                .build();
        assertEquals("""
                172.18.0.3\tdb db.backend database pg
                fd00:18::3\tdb db.backend database pg
                172.19.0.3\tapi api.front.end
                """, HostsEntries.lines(List.of(backend, front), name("web")));
        NetworkNames odd = NetworkNames.builder("a..b").add(endpoint("x", "10.0.0.2", null)).build();
        assertEquals("10.0.0.2\tx\n", HostsEntries.lines(List.of(odd), name("web")), "no name.network for such a network");
        assertEquals("", HostsEntries.lines(List.of(), name("web")));
    }
}
