package org.nlbridge.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.resolver.DnsWorld.addresses;
import static org.nlbridge.resolver.DnsWorld.nslookup;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.net.DnsName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.netns.NetNs;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * The embedded name server in real namespaces, asked by real resolvers (busybox nslookup, glibc getent over UDP and
 * TCP), forwarding to a real dnsmasq from the host's namespace. {@code ss} in each namespace is the oracle for where
 * the sockets are.
 */
@ExtendWith(SandboxExtension.class)
class DnsServerNamespaceTest {

    @TempDir
    Path tmp;

    private static final String RESOLV = "nameserver 127.0.0.11\noptions ndots:0\n";

    private static Endpoint ep(String name, String v4, String v6, String... aliases) {
        return new Endpoint(DnsName.parse("name", name), v4 == null ? null : Ipv4Address.parse("ip", v4),
                v6 == null ? null : Ipv6Address.parse("ip6", v6),
                java.util.Arrays.stream(aliases).map(a -> DnsName.parse("alias", a)).toList());
    }

    private static List<NetworkNames> tables() {
        return List.of(
                NetworkNames.builder("backend").add(ep("web", "172.18.0.2", null))
                        .add(ep("db", "172.18.0.3", "fd00:18::3", "database")).build(),
                NetworkNames.builder("frontend").add(ep("api", "172.19.0.2", null)).build(),
                NetworkNames.builder("vault").add(ep("secret", "172.20.0.2", null)).build());
    }

    /** A server whose host is {@code ns}; the handle given to it is closed at once (the server keeps its own). */
    private static DnsServer startIn(String ns) {
        try (NetNs host = NetNs.open(ns)) {
            return DnsServer.start(DnsServerOptions.DEFAULTS, host);
        }
    }

    private static void assumeTools() {
        Assumptions.assumeTrue(Host.has("busybox"), "needs busybox (busybox-static) for nslookup");
        Assumptions.assumeTrue(Host.has("dnsmasq"), "needs dnsmasq (dnsmasq-base) as the upstream server");
        Assumptions.assumeTrue(Host.has("ss"), "needs ss (iproute2) as the socket oracle");
    }

    @Test
    void containersResolveTheirNetworksAndForwardTheRestFromTheHost(Sandbox sb) throws Exception {
        assumeTools();
        DnsWorld w = new DnsWorld(sb, tmp, List.of("web", "api", "secret"));
        int upLog = w.dnsmasq("up", DnsWorld.UPSTREAM_IP);
        String web = sb.name("web");
        String api = sb.name("api");
        String secret = sb.name("secret");
        try (DnsServer dns = startIn(w.host); NetNs webNs = NetNs.open(web); NetNs apiNs = NetNs.open(api);
             NetNs secretNs = NetNs.open(secret)) {
            dns.networks(tables());
            dns.attach(ListenerSpec.builder(web).netns(webNs).network("backend").upstreams(List.of(w.upstream())).build());
            dns.attach(ListenerSpec.builder(api).netns(apiNs).network("frontend").upstreams(List.of(w.upstream())).build());
            dns.attach(ListenerSpec.builder(secret).netns(secretNs).network("vault").internal(true)
                    .upstreams(List.of(w.upstream())).build());

            // the sockets are inside each container's namespace, on 127.0.0.11 without any address for it
            for (String ns : List.of(web, api, secret)) {
                String ss = DnsWorld.listening(ns);
                assertTrue(ss.contains("127.0.0.11:53") && ss.startsWith("udp") && ss.contains("tcp"), ns + ": " + ss);
                assertFalse(Cmd.run(null, "ip", "-n", ns, "addr", "show", "lo").contains("127.0.0.11"));
            }
            assertFalse(DnsWorld.listening(w.host).contains("127.0.0.11"), "nothing listens in the host");
            assertFalse(Cmd.run(null, "ss", "-Hlnu").contains("127.0.0.11:53 "), "nor in the root namespace");

            // names, aliases, AAAA, PTR: busybox
            assertEquals(List.of("172.18.0.3"), addresses(nslookup(web, "a", "db")));
            assertEquals(List.of("fd00:18::3"), addresses(nslookup(web, "aaaa", "db")));
            assertEquals(List.of("172.18.0.3"), addresses(nslookup(web, "a", "database")));
            assertEquals(List.of("172.18.0.3"), addresses(nslookup(web, "a", "db.backend")));
            assertTrue(nslookup(web, null, "172.18.0.3").out().contains("name = db.backend"),
                    nslookup(web, null, "172.18.0.3").out());
            // glibc: getent over UDP, then over TCP (use-vc)
            Cmd.Result g = w.getent(web, RESOLV, "ahostsv4", "db");
            assertEquals(0, g.exit(), g.err());
            assertTrue(g.out().startsWith("172.18.0.3 "), g.out());
            g = w.getent(web, RESOLV + "options use-vc\n", "hosts", "web");
            assertEquals("172.18.0.2      web\n", g.out());
            // forwarded: it leaves from the host's namespace (dnsmasq sees the host's address), over UDP and TCP
            assertEquals(List.of("192.0.2.7"), addresses(nslookup(web, "a", "www.example.test")));
            g = w.getent(web, RESOLV + "options use-vc\n", "ahostsv4", "www.example.test");
            assertTrue(g.out().startsWith("192.0.2.7 "), g.out() + g.err());
            assertTrue(w.log(upLog).contains("query[A] www.example.test from " + DnsWorld.HOST_IP), w.log(upLog));
            assertTrue(nslookup(web, "a", "nothere.test").out().contains("NXDOMAIN"));

            // another network's container: not answered from its table (forwarded, and the upstream refuses)
            Cmd.Result r = nslookup(api, "a", "db");
            assertEquals(List.of(), addresses(r), r.out());
            assertTrue(r.out().contains("SERVFAIL"), r.out());
            assertTrue(w.log(upLog).contains("query[A] db from " + DnsWorld.HOST_IP));
            assertEquals(List.of("172.19.0.2"), addresses(nslookup(api, "a", "api")));

            // an internal network: its own names resolve, nothing goes out
            long before = w.log(upLog).lines().filter(l -> l.contains("query[")).count();
            assertEquals(List.of("172.20.0.2"), addresses(nslookup(secret, "a", "secret")));
            r = nslookup(secret, "a", "www.example.test");
            assertTrue(r.out().contains("SERVFAIL") && addresses(r).isEmpty(), r.out());
            g = w.getent(secret, RESOLV, "ahostsv4", "www.example.test");
            assertTrue(g.exit() != 0 && g.out().isEmpty(), g.out());
            assertEquals(before, w.log(upLog).lines().filter(l -> l.contains("query[")).count(), "no query left");

            DnsStats s = dns.stats();
            assertEquals(0, s.internalErrors(), s.toString());
            assertEquals(3, s.listeners());
            assertTrue(dns.detach(secret));
            assertFalse(DnsWorld.listening(secret).contains("127.0.0.11"), "detached: its sockets are gone");
            assertEquals(List.of("172.18.0.3"), addresses(nslookup(web, "a", "db")), "the others go on");
        }
        // closed: no socket left behind in any namespace
        for (String ns : List.of(web, api, secret)) assertFalse(DnsWorld.listening(ns).contains("127.0.0.11"));
    }

    @Test
    void renamesAndRemovalsApplyAtOnceAndARestartedServerAnswersAgain(Sandbox sb) throws Exception {
        assumeTools();
        DnsWorld w = new DnsWorld(sb, tmp, List.of("c1", "c2"));
        String c1 = sb.name("c1");
        String c2 = sb.name("c2");
        try (NetNs host = NetNs.open(w.host); NetNs n1 = NetNs.open(c1); NetNs n2 = NetNs.open(c2)) {
            List<ListenerSpec> specs = List.of(
                    ListenerSpec.builder(c1).netns(n1).network("backend").build(),
                    ListenerSpec.builder(c2).netns(n2).network("backend").network("frontend").build());
            DnsServer dns = DnsServer.start(DnsServerOptions.DEFAULTS, host);
            try {
                dns.networks(tables());
                specs.forEach(dns::attach);
                assertEquals(List.of("172.18.0.3"), addresses(nslookup(c1, "a", "db")));
                assertEquals(List.of("172.19.0.2"), addresses(nslookup(c2, "a", "api")), "c2 is on both networks");
                assertEquals(List.of("172.18.0.2"), addresses(nslookup(c2, "a", "web")));

                NetworkNames backend = dns.networks().get("backend");
                dns.network(backend.without(DnsName.parse("name", "db")).with(ep("db2", "172.18.0.3", null)));
                assertEquals(List.of(), addresses(nslookup(c1, "a", "db")), "renamed: gone at the next query");
                assertEquals(List.of("172.18.0.3"), addresses(nslookup(c1, "a", "db2")));
                assertTrue(nslookup(c1, null, "172.18.0.3").out().contains("name = db2.backend"));
                dns.network(dns.networks().get("backend").without(DnsName.parse("name", "db2")));
                assertEquals(List.of(), addresses(nslookup(c1, "a", "db2")), "removed");
            } finally {
                dns.close();
            }
            assertTrue(nslookup(c1, "a", "web").exit() != 0, "the server is down");

            // a daemon restart: a new server rebuilt from the state answers again in the same namespaces
            long t0 = System.nanoTime();
            try (DnsServer again = DnsServer.start(DnsServerOptions.DEFAULTS, host)) {
                again.networks(tables());
                specs.forEach(again::attach);
                long rebuildMicros = (System.nanoTime() - t0) / 1000;
                System.out.println("dns: restart with 3 tables and 2 listeners took " + rebuildMicros + " us");
                assertEquals(List.of("172.18.0.3"), addresses(nslookup(c1, "a", "db")));
                assertEquals(List.of("172.19.0.2"), addresses(nslookup(c2, "a", "api")));
            }
        }
    }

    @Test
    void aHostLoopbackUpstreamIsReachedFromTheHostNamespace(Sandbox sb) throws Exception {
        assumeTools();
        DnsWorld w = new DnsWorld(sb, tmp, List.of("c1"));
        int stub = w.dnsmasq("host", "127.0.0.53", "stub.example.test,192.0.2.53");
        String c1 = sb.name("c1");
        try (NetNs host = NetNs.open(w.host); NetNs n1 = NetNs.open(c1);
             DnsServer dns = DnsServer.start(DnsServerOptions.DEFAULTS, host)) {
            dns.attach(ListenerSpec.builder(c1).netns(n1)
                    .upstreams(List.of(Upstream.of(IpAddress.parse("dns", "127.0.0.53")))).build());
            // systemd-resolved's 127.0.0.53 of the host: unreachable from the container, fine from the host
            assertEquals(List.of("192.0.2.53"), addresses(nslookup(c1, "a", "stub.example.test")));
            assertTrue(w.log(stub).contains("query[A] stub.example.test from 127.0.0.1"), w.log(stub));
        }
    }
}
