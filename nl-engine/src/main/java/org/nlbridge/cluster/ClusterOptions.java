package org.nlbridge.cluster;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.nlbridge.cluster.etcd.EtcdConfig;
import org.nlbridge.net.IfName;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.ValidationException;

/**
 * How a host takes part in the cluster, from Docker's daemon options: {@code --cluster-store etcd://...},
 * {@code --cluster-store-opt} (the store's {@code cacert=}, {@code cert=}, {@code key=}, {@code timeout=}, and
 * {@code discovery.ttl=SECONDS}: how long a host may be silent before the cluster forgets it) and
 * {@code --cluster-advertise IP|IFNAME} (the underlay address other hosts send VXLAN to).
 *
 * @param store     where the cluster store is
 * @param advertise an IPv4 address of the host, or an interface name whose first IPv4 address is used
 * @param hostTtl   the host lease's time to live: a host whose daemon is gone this long is withdrawn everywhere
 * @param events    told about peer and store changes (a daemon's event stream); never null
 */
public record ClusterOptions(EtcdConfig store, String advertise, Duration hostTtl, Consumer<ClusterEvent> events) {

    /** Docker's {@code discovery.ttl} default is 60 s; 20 s withdraws a dead host sooner at 3 keep-alives per TTL. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(20);
    /** etcd rounds shorter leases up to its minimum (about 1.5 election timeouts); 2 s is the least asked for. */
    public static final int MIN_TTL_SECONDS = 2;
    public static final String ACCEPTED_ADVERTISE = "an IPv4 address of this host (the underlay, like 10.0.0.1) or an"
            + " interface name whose first IPv4 address is used (like eth0), optionally with :PORT as Docker writes"
            + " it (the port is ignored)";
    private static final Pattern PORT = Pattern.compile(":[0-9]{1,5}$");
    private static final String TTL = "discovery.ttl";

    public ClusterOptions {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(advertise, "advertise");
        Objects.requireNonNull(hostTtl, "hostTtl");
        events = events == null ? e -> { } : events;
    }

    /**
     * Parses the daemon's options: {@code opts} are {@code --cluster-store-opt} values, each {@code KEY=VALUE} or
     * several separated by commas.
     *
     * @throws ValidationException naming the option, the value and what is accepted
     */
    public static ClusterOptions parse(String store, List<String> opts, String advertise, Consumer<ClusterEvent> events) {
        Map<String, String> storeOpts = new LinkedHashMap<>();
        Duration ttl = DEFAULT_TTL;
        for (String o : opts) {
            for (String kv : o.split(",", -1)) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new ValidationException("cluster-store-opt", kv, "not KEY=VALUE", EtcdConfig.ACCEPTED_OPT
                            + ", or " + TTL + "=SECONDS");
                }
                String k = kv.substring(0, eq);
                String v = kv.substring(eq + 1);
                if (k.equals(TTL)) ttl = ttl(v);
                else storeOpts.put(k, v);
            }
        }
        if (advertise == null || advertise.isBlank()) {
            throw new ValidationException("cluster-advertise", advertise, "missing: --cluster-store needs it",
                    ACCEPTED_ADVERTISE);
        }
        return new ClusterOptions(EtcdConfig.parse(store, storeOpts), checkAdvertise(advertise), ttl, events);
    }

    /** The advertise value without a Docker-style {@code :PORT}, checked to be an IPv4 literal or an interface name. */
    public static String checkAdvertise(String value) {
        String v = PORT.matcher(value).find() ? value.substring(0, value.lastIndexOf(':')) : value;
        try {
            if (v.matches("[0-9.]+")) return Ipv4Address.parse("cluster-advertise", v).toString();
            return IfName.parse("cluster-advertise", v).toString();
        } catch (ValidationException e) {
            throw new ValidationException("cluster-advertise", value, e.reason(), ACCEPTED_ADVERTISE);
        }
    }

    private static Duration ttl(String v) {
        if (!v.matches("[0-9]{1,6}") || Integer.parseInt(v) < MIN_TTL_SECONDS) {
            throw new ValidationException("cluster-store-opt", TTL + "=" + v, "not a whole number of seconds, "
                    + MIN_TTL_SECONDS + " or more", TTL + "=SECONDS, like " + TTL + "=20 (how long a silent host stays"
                    + " in the cluster)");
        }
        return Duration.ofSeconds(Integer.parseInt(v));
    }
}
