package org.nlbridge.cluster.etcd;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.nlbridge.net.Hostname;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.net.tls.Tls;

/**
 * Where the cluster store is and how to talk to it: Docker's {@code --cluster-store etcd://HOST:PORT[,HOST:PORT...]}
 * and {@code --cluster-store-opt cacert=FILE,cert=FILE,key=FILE} (mutual TLS, all three or none), plus
 * {@code timeout=} (every call's deadline across all endpoints, default 5s).
 *
 * @param endpoints      the members' client URLs, tried in order from the last one that answered
 * @param tls            mutual TLS, or null for plain HTTP
 * @param requestTimeout each call's deadline, all fail-over attempts included
 * @param connectTimeout the longest one TCP (and TLS) connect may take before the next endpoint is tried
 */
public record EtcdConfig(List<URI> endpoints, Tls tls, Duration requestTimeout, Duration connectTimeout) {

    public static final String ACCEPTED = "etcd://HOST:PORT[,HOST:PORT...] with HOST an IP address ([fd00::1] for"
            + " IPv6) or a host name, like etcd://10.0.0.1:2379,10.0.0.2:2379";
    public static final String ACCEPTED_OPT = "cacert=FILE, cert=FILE, key=FILE (PEM; all three for mutual TLS) or"
            + " timeout=DURATION (like 5s or 500ms)";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final Set<String> OPTS = Set.of("cacert", "cert", "key", "timeout");

    public EtcdConfig {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) throw new IllegalArgumentException("no endpoint");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) throw new IllegalArgumentException("requestTimeout must be positive");
    }

    /** Plain HTTP endpoints with the default timeout, e.g. {@code plain("10.0.0.1:2379")}. */
    public static EtcdConfig plain(String... hostPorts) {
        return parse("etcd://" + String.join(",", hostPorts), Map.of());
    }

    /** The same endpoints and TLS with another per-call deadline. */
    public EtcdConfig withTimeout(Duration timeout) {
        return new EtcdConfig(endpoints, tls, timeout, connectTimeout.compareTo(timeout) < 0 ? connectTimeout : timeout);
    }

    /**
     * Parses Docker's two options.
     *
     * @param store the {@code --cluster-store} value
     * @param opts  the {@code --cluster-store-opt} pairs
     * @throws ValidationException naming the option, the value and what is accepted
     */
    public static EtcdConfig parse(String store, Map<String, String> opts) {
        String field = "cluster-store";
        if (store == null || !store.startsWith("etcd://")) {
            throw new ValidationException(field, store, store == null ? "no value given" : "not an etcd:// URL", ACCEPTED);
        }
        Map<String, String> o = new LinkedHashMap<>(opts);
        for (String k : o.keySet()) {
            if (!OPTS.contains(k)) throw new ValidationException("cluster-store-opt", k + "=" + o.get(k), "unknown option " + k, ACCEPTED_OPT);
        }
        Tls tls = tls(o);
        Duration timeout = o.containsKey("timeout") ? duration(o.get("timeout")) : DEFAULT_TIMEOUT;
        String scheme = tls == null ? "http" : "https";
        List<URI> uris = new ArrayList<>();
        String rest = store.substring("etcd://".length());
        for (String hp : rest.split(",", -1)) uris.add(URI.create(scheme + "://" + hostPort(store, hp)));
        Duration connect = timeout.compareTo(Duration.ofSeconds(2)) < 0 ? timeout : Duration.ofSeconds(2);
        return new EtcdConfig(uris, tls, timeout, connect);
    }

    private static String hostPort(String store, String hp) {
        String field = "cluster-store";
        int colon = hp.lastIndexOf(':');
        if (hp.isEmpty() || colon <= 0 || colon == hp.length() - 1) {
            throw new ValidationException(field, store, "endpoint \"" + hp + "\" is not HOST:PORT", ACCEPTED);
        }
        String host = hp.substring(0, colon);
        String port = hp.substring(colon + 1);
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new ValidationException(field, store, "port \"" + port + "\" is not 1..65535", ACCEPTED);
        }
        try {
            if (host.startsWith("[") && host.endsWith("]")) {
                IpAddress.parse(field, host.substring(1, host.length() - 1));
            } else if (host.matches("[0-9.]+")) {
                IpAddress.parse(field, host);
            } else {
                Hostname.parse(field, host);
            }
        } catch (ValidationException e) {
            throw new ValidationException(field, store, "host \"" + host + "\": " + e.reason(), ACCEPTED);
        }
        return host + ":" + port;
    }

    private static Tls tls(Map<String, String> o) {
        int given = (o.containsKey("cacert") ? 1 : 0) + (o.containsKey("cert") ? 1 : 0) + (o.containsKey("key") ? 1 : 0);
        if (given == 0) return null;
        if (given != 3) {
            throw new ValidationException("cluster-store-opt", String.join(",", o.keySet()),
                    "mutual TLS needs cacert, cert and key together", ACCEPTED_OPT);
        }
        return new Tls(file("cacert", o), file("cert", o), file("key", o));
    }

    private static Path file(String k, Map<String, String> o) {
        String v = o.get(k);
        if (v == null || v.isEmpty() || v.indexOf('\0') >= 0) {
            throw new ValidationException("cluster-store-opt", k + "=" + v, "not a file name", ACCEPTED_OPT);
        }
        return Path.of(v);
    }

    private static Duration duration(String v) {
        var m = java.util.regex.Pattern.compile("([0-9]{1,6})(ms|s)").matcher(v == null ? "" : v);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new ValidationException("cluster-store-opt", "timeout=" + v, "not a positive duration", ACCEPTED_OPT);
        }
        long n = Long.parseLong(m.group(1));
        return m.group(2).equals("ms") ? Duration.ofMillis(n) : Duration.ofSeconds(n);
    }
}
