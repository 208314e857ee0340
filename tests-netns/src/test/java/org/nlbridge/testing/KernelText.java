package org.nlbridge.testing;

import java.util.List;

/**
 * The kernel state a read-only command must not touch, as text: links and addresses ({@code ip -j -d}, without
 * counters), routes, and the nft ruleset with handles (a rebuilt table gets new handles even when its rules read the
 * same). The kernel's own moving parts are left out: bridge timers, IPv6 addresses leaving DAD, carrier state.
 */
public final class KernelText {
    private KernelText() {}

    public static String of(String ns) {
        String ip = Oracle.ip(ns, "link", "show") + "\n" + Oracle.ip(ns, "addr", "show") + "\n" + Oracle.ip(ns, "route", "show");
        // a veth's peer coming up sets LOWER_UP (and clears a route's linkdown) asynchronously; a plan never touches it
        ip = ip.replaceAll("\"[a-z_]+_timer\":[0-9.]+,?", "").replace("\"tentative\":true,", "")
                .replace("\"NO-CARRIER\",", "").replace(",\"LOWER_UP\"", "").replace("\"linkdown\"", "").replaceAll("\"operstate\":\"[A-Z]+\",", "");
        return ip + "\n" + Inside.nft(ns, "-a", "list", "ruleset").replaceAll("counter packets \\d+ bytes \\d+", "counter");
    }

    /** Fails at the first piece that differs, showing both. */
    public static void assertSame(String expected, String actual, String what) {
        if (expected.equals(actual)) return;
        List<String> a = List.of(expected.split("\\},\\{|\n"));
        List<String> b = List.of(actual.split("\\},\\{|\n"));
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String x = i < a.size() ? a.get(i) : "<none>";
            String y = i < b.size() ? b.get(i) : "<none>";
            if (!x.equals(y)) throw new AssertionError(what + ": first difference at piece " + i + ":\n  before: " + x + "\n  after:  " + y);
        }
    }
}
