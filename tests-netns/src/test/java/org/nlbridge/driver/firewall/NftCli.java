package org.nlbridge.driver.firewall;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.nlbridge.driver.firewall.nftables.NftLayout;
import org.nlbridge.nft.Family;
import org.nlbridge.nft.TableRef;
import org.nlbridge.testing.Cmd;

/** The real nft, run inside a test namespace: the oracle for what the kernel holds. */
final class NftCli {
    private NftCli() {}

    static String run(String ns, String stdin, String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns, "nft"));
        argv.addAll(List.of(args));
        return Cmd.run(stdin, argv.toArray(String[]::new));
    }

    static Cmd.Result exec(String ns, String stdin, String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns, "nft"));
        argv.addAll(List.of(args));
        return Cmd.exec(stdin, argv.toArray(String[]::new));
    }

    /** Loads an nft script ({@code nft -f -}): one transaction. */
    static void load(String ns, String script) {
        run(ns, script, "-f", "-");
    }

    /** {@code nft list table FAMILY NAME}, or "" if the table does not exist. */
    static String listTable(String ns, TableRef table) {
        Cmd.Result r = exec(ns, null, "list", "table", table.family().toString(), table.name());
        if (r.exit() != 0) {
            if (r.err().contains("No such file or directory")) return "";
            throw new AssertionError("nft list table " + table + ": " + r.err());
        }
        return r.out();
    }

    /** Our three tables as nft lists them, in the order ip, ip6, bridge, normalised ({@link #normalise}). */
    static String listOurs(String ns) {
        StringBuilder b = new StringBuilder();
        for (Family f : List.of(Family.IP, Family.IP6, Family.BRIDGE)) {
            b.append(listTable(ns, NftLayout.table(f)));
        }
        return normalise(b.toString());
    }

    /** The user hook tables, ip then ip6, normalised. */
    static String listUserHook(String ns) {
        return normalise(listTable(ns, NftLayout.userTable(Family.IP)) + listTable(ns, NftLayout.userTable(Family.IP6)));
    }

    private static final Pattern COUNTER = Pattern.compile("counter packets \\d+ bytes \\d+");
    private static final Pattern HANDLE = Pattern.compile(" # handle \\d+");
    private static final String CONT = ",\n\t\t\t     ";

    /**
     * What may differ between two listings of the same ruleset: counter values (zeroed), handles (removed), and
     * the order of set elements, which follows the kernel's hash (sorted, one per line when there are several).
     */
    static String normalise(String listing) {
        String s = HANDLE.matcher(COUNTER.matcher(listing).replaceAll("counter packets 0 bytes 0")).replaceAll("");
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (true) {
            int start = s.indexOf("elements = { ", i);
            if (start < 0) break;
            int body = start + "elements = { ".length();
            int end = s.indexOf(" }\n", body);
            out.append(s, i, body);
            List<String> items = new ArrayList<>();
            for (String item : s.substring(body, end).split(",")) items.add(item.strip());
            items.sort(null);
            out.append(String.join(items.size() > 1 ? CONT : ", ", items));
            i = end;
        }
        out.append(s.substring(i));
        return out.toString();
    }

    /** {@code counter packets N} of the first rule in a chain listing matching {@code ruleText}, or -1. */
    static long packets(String listing, String ruleText) {
        for (String line : listing.split("\n")) {
            String l = line.strip();
            if (l.startsWith(ruleText)) {
                Matcher m = Pattern.compile("counter packets (\\d+)").matcher(l);
                if (m.find()) return Long.parseLong(m.group(1));
            }
        }
        return -1;
    }
}
