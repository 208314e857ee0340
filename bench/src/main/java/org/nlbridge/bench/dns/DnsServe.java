package org.nlbridge.bench.dns;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.nlbridge.net.DnsName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.netns.NetNs;
import org.nlbridge.resolver.DnsServer;
import org.nlbridge.resolver.DnsServerOptions;
import org.nlbridge.resolver.Endpoint;
import org.nlbridge.resolver.ListenerSpec;
import org.nlbridge.resolver.NetworkNames;
import org.nlbridge.resolver.Upstream;

/**
 * The server side of bench/dns.sh: a {@link DnsServer} whose host is namespace HOST, with container {@code c<i>}
 * (172.18.0.(i+2), network {@code backend}) listening on 127.0.0.11:53 in the i-th namespace given, forwarding to
 * UPSTREAM. Prints {@code ready}, serves until stdin closes, then prints the server's stats.
 *
 * <pre>DnsServe HOST UPSTREAM NS...</pre>
 */
public final class DnsServe {
    private DnsServe() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: DnsServe HOST-NETNS UPSTREAM-IP NETNS...");
            System.exit(2);
        }
        NetworkNames.Builder table = NetworkNames.builder("backend");
        List<ListenerSpec> specs = new ArrayList<>();
        Upstream upstream = Upstream.of(IpAddress.parse("upstream", args[1]));
        for (int i = 2; i < args.length; i++) {
            int n = i - 2;
            table.add(Endpoint.of(DnsName.parse("container", "c" + n), Ipv4Address.of(0xAC120002 + n)));
        }
        long t0 = System.nanoTime();
        try (NetNs host = NetNs.open(args[0]);
             DnsServer dns = DnsServer.start(DnsServerOptions.DEFAULTS.withRate(1_000_000, 1_000_000), host)) {
            dns.network(table.build());
            long t1 = System.nanoTime();
            for (int i = 2; i < args.length; i++) {
                try (NetNs ns = NetNs.open(args[i])) {
                    dns.attach(ListenerSpec.builder(args[i]).netns(ns).network("backend")
                            .upstreams(List.of(upstream)).build());
                }
            }
            long t2 = System.nanoTime();
            System.out.printf("ready: server started in %.1f ms, %d listeners attached in %.1f ms (a cold JVM)%n",
                    (t1 - t0) / 1e6, args.length - 2, (t2 - t1) / 1e6);
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the script closes our stdin
            }
            System.out.println(dns.stats());
        }
    }
}
