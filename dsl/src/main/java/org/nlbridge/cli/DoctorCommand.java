package org.nlbridge.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.nlbridge.netlink.NetlinkException;
import org.nlbridge.netns.NetNs;
import org.nlbridge.nft.Nft;
import org.nlbridge.rtnl.BridgeSpec;
import org.nlbridge.rtnl.DummySpec;
import org.nlbridge.rtnl.Link;
import org.nlbridge.rtnl.LinkSpec;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.rtnl.VethSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code nlbridge doctor}: what this kernel and process can do, found by doing it. Every probe runs in a scratch
 * network namespace that exists only while the command runs (nothing is mounted, so nothing can leak); the host's
 * interfaces, sysctls and firewall are only read, never written.
 */
@Command(name = "doctor", description = "Check the kernel features nlbridge needs, in a scratch namespace.")
public final class DoctorCommand implements Callable<Integer> {

    enum Verdict { OK, MISSING, INFO }

    record Finding(String feature, Verdict verdict, String detail, boolean required) {}

    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        PrintWriter out = main.cli().out();
        List<Finding> findings = probe();
        boolean ready = true;
        for (Finding f : findings) {
            String mark = switch (f.verdict()) {
                case OK -> "ok     ";
                case MISSING -> f.required() ? "MISSING" : "absent ";
                case INFO -> "info   ";
            };
            out.printf("%-13s %s %s%n", f.feature(), mark, f.detail());
            if (f.required() && f.verdict() == Verdict.MISSING) ready = false;
        }
        out.println(ready ? "nlbridge can run here." : "nlbridge cannot run here: see MISSING above.");
        out.flush();
        return ready ? 0 : 1;
    }

    static List<Finding> probe() {
        List<Finding> out = new ArrayList<>();
        out.add(new Finding("java", Verdict.OK, Runtime.version() + ", native access enabled", true));
        String caps = capabilities();
        boolean admin = caps.contains("CAP_NET_ADMIN") && caps.contains("CAP_SYS_ADMIN");
        out.add(new Finding("privileges", admin ? Verdict.OK : Verdict.MISSING,
                admin ? caps : "needs CAP_NET_ADMIN and CAP_SYS_ADMIN (run as root); have: " + caps, true));
        NetNs scratch;
        try {
            scratch = NetNs.createAnonymous();
            out.add(new Finding("netns", Verdict.OK, "created a scratch network namespace", true));
        } catch (RuntimeException e) {
            out.add(new Finding("netns", Verdict.MISSING, "cannot create a network namespace: " + e.getMessage(), true));
            return out;
        }
        try (scratch; Rtnl rtnl = Rtnl.open(scratch)) {
            out.add(link(rtnl, "bridge", BridgeSpec.builder("nlbd-br0").build(), true));
            out.add(link(rtnl, "veth", VethSpec.builder("nlbd-veth0", "nlbd-veth1").build(), true));
            out.add(enslave(rtnl));
            out.add(link(rtnl, "dummy", DummySpec.builder("nlbd-dummy0").build(), false));
            out.add(nfTables(scratch));
        } catch (RuntimeException e) {
            out.add(new Finding("rtnetlink", Verdict.MISSING, e.getMessage(), true));
        }
        boolean brnf = Files.exists(Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables"));
        out.add(new Finding("br_netfilter", Verdict.INFO, brnf
                ? "loaded (bridged traffic also passes the ip filter hooks)"
                : "not loaded; not needed: nlbridge filters bridged traffic with nftables on the forward hook", false));
        return out;
    }

    private static Finding link(Rtnl rtnl, String kind, LinkSpec spec, boolean required) {
        try {
            rtnl.links().add(spec);
            Link l = rtnl.links().get(spec.name().toString());
            return new Finding(kind, Verdict.OK, "created a " + l.kind() + " link", required);
        } catch (NetlinkException e) {
            return new Finding(kind, Verdict.MISSING, "kernel refused a " + kind + " link: " + e.errnoName()
                    + (e.extack() != null ? " (" + e.extack() + ")" : "") + "; is the " + kind + " module available?",
                    required);
        }
    }

    private static Finding enslave(Rtnl rtnl) {
        try {
            int br = rtnl.links().get("nlbd-br0").index();
            rtnl.links().setMaster("nlbd-veth0", br);
            rtnl.links().setUp("nlbd-br0");
            return new Finding("bridge port", Verdict.OK, "a veth joined the bridge", true);
        } catch (RuntimeException e) {
            return new Finding("bridge port", Verdict.MISSING, e.getMessage(), true);
        }
    }

    private static Finding nfTables(NetNs scratch) {
        try (Nft nft = Nft.open(scratch)) {
            return new Finding("nf_tables", Verdict.OK, "ruleset generation " + nft.generation(), true);
        } catch (RuntimeException e) {
            return new Finding("nf_tables", Verdict.MISSING, "no nf_tables over netlink: " + e.getMessage()
                    + " (module nf_tables)", true);
        }
    }

    /** The effective capabilities that matter, from /proc/self/status (CapEff is a hex bit mask). */
    private static String capabilities() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long eff = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    List<String> have = new ArrayList<>();
                    if ((eff & (1L << 12)) != 0) have.add("CAP_NET_ADMIN");
                    if ((eff & (1L << 21)) != 0) have.add("CAP_SYS_ADMIN");
                    return have.isEmpty() ? "none" : String.join(", ", have);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }

}
