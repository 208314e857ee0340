package org.nlbridge.driver.firewall.nftables;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.nlbridge.driver.firewall.EndpointFirewallSpec;
import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.driver.firewall.PublishedPort;
import org.nlbridge.nft.Element;
import org.nlbridge.nft.Expr;
import org.nlbridge.nft.Family;
import org.nlbridge.nft.Listing;
import org.nlbridge.nft.NamedSet;
import org.nlbridge.nft.Rule;
import org.nlbridge.nft.SetRef;
import org.nlbridge.nft.TableRef;

/** The driver's status read from listings of our tables: published ports with their counters, and rule counters. */
final class DriverStatus {
    private DriverStatus() {}

    /** The published ports of {@code state}, each with its map element's connection counter (-1 without one). */
    static List<PublishedPort> ports(FirewallState state, Collection<Listing> ours, NftFeatures features) {
        Map<SetRef, List<Element>> sets = new HashMap<>();
        for (Listing t : ours) {
            for (Listing.SetListing s : t.sets()) sets.put(s.set().ref(), s.elements());
        }
        return ports(state, set -> sets.getOrDefault(set.ref(), List.of()), features);
    }

    /**
     * The published ports of {@code state} with their counters, reading only the port maps they are in
     * ({@code elementsOf}, asked once per map): what a status costs is the ports, not the table's chain per endpoint.
     */
    static List<PublishedPort> ports(FirewallState state, Function<NamedSet, List<Element>> elementsOf,
                                     NftFeatures features) {
        // every element of the maps by map and key, so each port is one lookup however many there are
        Map<SetRef, Map<List<Object>, Element>> elements = new HashMap<>();
        List<PublishedPort> out = new ArrayList<>();
        for (EndpointFirewallSpec e : state.endpoints()) {
            for (PublishedPort p : e.publications()) {
                Family f = NftLayout.family(p.family());
                NamedSet map = p.hostIp() == null ? NftLayout.portsAny(f, features) : NftLayout.ports(f, features);
                List<Object> key = p.hostIp() == null ? List.of(p.protocol(), p.hostPort())
                        : List.of(p.protocol(), p.hostIp(), p.hostPort());
                Element el = elements.computeIfAbsent(map.ref(), r -> {
                    Map<List<Object>, Element> byKey = new HashMap<>();
                    for (Element x : elementsOf.apply(map)) byKey.put(x.key(), x);
                    return byKey;
                }).get(key);
                out.add(p.withConnections(el == null || el.counter() == null ? -1 : el.counter().packets()));
            }
        }
        return out;
    }

    /**
     * Each counting rule of {@code expected} by its text, {@code "ip/direct__nlb0: iifname != \"nlb0\" counter drop"},
     * with the packets the kernel counted; a chain that drifted is left out (reconcile reports it).
     */
    static Map<String, Long> counters(Map<TableRef, Listing> expected, Collection<Listing> ours) {
        Map<String, Long> counters = new LinkedHashMap<>();
        for (Listing actual : ours) {
            Listing want = expected.get(actual.ref());
            if (want == null) continue;
            for (Listing.ChainListing c : actual.chains()) {
                List<Rule> rules = want.chain(c.chain().name()).map(Listing.ChainListing::rules).orElse(null);
                if (rules == null || rules.size() != c.rules().size()) continue;
                for (int i = 0; i < rules.size(); i++) {
                    if (rules.get(i).counter().isPresent()) {
                        counters.put(actual.ref().family() + "/" + c.chain().name() + ": " + statements(rules.get(i)),
                                c.rules().get(i).counter().map(Expr.Counter::packets).orElse(0L));
                    }
                }
            }
        }
        return counters;
    }

    /** A rule as it is written ({@code counter}, not the counts), for the names of status counters. */
    private static String statements(Rule r) {
        return r.withoutState().toString().replace("counter packets 0 bytes 0", "counter");
    }
}
