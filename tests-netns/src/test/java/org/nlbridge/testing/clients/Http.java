package org.nlbridge.testing.clients;

import java.util.List;

import org.nlbridge.testing.Cmd;

/**
 * HTTP GET between test namespaces with busybox's {@code wget} (the busybox-static the test image is made of), for
 * servers that speak HTTP ({@code busybox httpd} in a container) rather than the one-line servers of {@code Tcp}.
 */
public final class Http {
    private Http() {}

    /**
     * {@code GET http://host:port/path} from namespace {@code fullNs}, retried (two-second attempts) until it
     * answers or {@code millis} have passed (a server just started, rules being programmed); the body, or null.
     */
    public static String get(String fullNs, String host, int port, String path, long millis) {
        long end = System.currentTimeMillis() + millis;
        String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + path;
        while (true) {
            // no wget -T: busybox 1.35's static build crashes with it (SIGSEGV); timeout bounds the attempt
            Cmd.Result r = Cmd.exec(null, List.of("ip", "netns", "exec", fullNs, "timeout", "2",
                    BusyboxImage.BUSYBOX.toString(), "wget", "-q", "-O", "-", url).toArray(String[]::new));
            if (r.exit() == 0) return r.out();
            if (System.currentTimeMillis() > end) return null;
            ClientHost.sleep(100);
        }
    }

    /** {@link #get} with a five-second budget, for a path that must answer. */
    public static String get(String fullNs, String host, int port, String path) {
        return get(fullNs, host, port, path, 5_000);
    }

    /** One attempt: the body, or null if it did not answer within two seconds (for a path that must not work). */
    public static String once(String fullNs, String host, int port, String path) {
        return get(fullNs, host, port, path, 0);
    }
}
