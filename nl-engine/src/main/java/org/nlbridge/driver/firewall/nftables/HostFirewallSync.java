package org.nlbridge.driver.firewall.nftables;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.nlbridge.driver.firewall.FirewallException;
import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.netns.NetNs;
import org.nlbridge.nft.Listing;
import org.nlbridge.nft.TableRef;
import org.nlbridge.nft.Transaction;
import org.nlbridge.spec.Change;

/**
 * Keeps {@link HostFirewall}'s rules in the host's iptables-nft firewall in step with the networks: reads the
 * filter tables, plans, commits (one transaction for both families, stamped with the ruleset generation so that a
 * concurrent change by that firewall aborts it rather than landing on stale handles; then it reads again), and
 * says what it cannot fix: iptables-legacy tables, which live outside nf_tables.
 */
final class HostFirewallSync {

    /** Files of {@code /proc/net} as the engine's network namespace shows them; "" for one that does not exist. */
    interface ProcNet {
        String read(String name);

        /** No legacy x_tables at all (tests that drive the layout without a namespace). */
        ProcNet NONE = name -> "";

        /** {@code /proc/thread-self/net/NAME} read from a thread inside {@code ns}. */
        static ProcNet of(NetNs ns) {
            return name -> ns.call(() -> {
                try {
                    return Files.readString(Path.of("/proc/thread-self/net", name), StandardCharsets.US_ASCII);
                } catch (NoSuchFileException noLegacyTables) {
                    return "";
                } catch (IOException e) {
                    throw new UncheckedIOException("read /proc/net/" + name + " in " + ns, e);
                }
            });
        }
    }

    private static final int ATTEMPTS = 3;

    private final NftFirewallDriver.Nftables nft;
    private final ProcNet proc;

    HostFirewallSync(NftFirewallDriver.Nftables nft, ProcNet proc) {
        this.nft = nft;
        this.proc = proc;
    }

    /** What {@link #sync} would do now for {@code desired}; changes nothing. */
    HostFirewall.Plan plan(FirewallState desired) {
        Map<TableRef, Optional<Listing>> listings = new LinkedHashMap<>();
        for (TableRef t : List.of(HostFirewall.IP_FILTER, HostFirewall.IP6_FILTER)) {
            try {
                listings.put(t, nft.list(t));
            } catch (RuntimeException e) {
                throw new FirewallException("read " + t + " (the host's iptables-nft firewall): " + e.getMessage(), e);
            }
        }
        return HostFirewall.plan(listings, desired);
    }

    /** Adds the rules {@code desired} needs and deletes ours that it does not; returns what changed. */
    List<Change> sync(FirewallState desired) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            HostFirewall.Plan p = plan(desired);
            if (p.isEmpty()) return List.of();
            Transaction tx = new Transaction(NftLayout.TABLES, HostFirewall.GUEST_CHAINS);
            p.record(tx);
            try {
                nft.commit(tx);
                return p.changes();
            } catch (RuntimeException e) {
                last = e; // the other firewall changed its chain under us (a handle went): read it again
            }
        }
        throw new FirewallException("update the host firewall's FORWARD rules for nlbridge's bridges: "
                + last.getMessage(), last);
    }

    /** What is wrong with the host's other firewalls and not ours to fix, one line each. */
    List<String> warnings(FirewallState desired) {
        List<String> out = new ArrayList<>(plan(desired).warnings());
        for (String[] t : new String[][] {{"ip_tables_names", "iptables-legacy"}, {"ip6_tables_names", "ip6tables-legacy"}}) {
            List<String> names = proc.read(t[0]).lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
            if (names.contains("filter") && !desired.networks().isEmpty()) out.add(legacy(t[1], names));
        }
        return out;
    }

    private static String legacy(String tool, List<String> tables) {
        return tool + " tables " + tables + " are loaded in this network namespace (/proc/net/"
                + (tool.startsWith("ip6") ? "ip6" : "ip") + "_tables_names): that firewall lives outside nf_tables,"
                + " where nlbridge can neither see nor change it, and if its FORWARD policy is DROP (dockerd or UFW"
                + " running on iptables-legacy) it drops the traffic of nlbridge's networks whatever nlbridge allows."
                + " Switch that firewall to iptables-nft (update-alternatives --set " + tool.replace("-legacy", "")
                + " /usr/sbin/" + tool.replace("-legacy", "-nft") + ", then restart it: nlbridge then adds its"
                + " accept rules itself), or let each bridge through yourself: " + tool + " -A FORWARD -o BRIDGE -m"
                + " conntrack --ctstate RELATED,ESTABLISHED,DNAT -j ACCEPT; " + tool + " -A FORWARD -i BRIDGE -j ACCEPT";
    }
}
