package org.nlbridge.dsl;

import java.util.List;
import java.util.Map;

import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
import groovy.transform.NamedParam;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.ContainerSpec;

/**
 * The body of {@code container(NAME) { ... }}: Docker's {@code docker run} network options. Each key hands its
 * value to {@link ContainerSpec.Builder}, which validates it on the spot.
 */
public final class ContainerBlock {

    private final String name;
    private final ContainerSpec.Builder builder;

    ContainerBlock(String name) {
        this.builder = ContainerSpec.builder(name);
        this.name = name;
    }

    /** The named network namespace {@code /run/netns/NAME} (default: the container's name; created when missing). */
    public void netns(String netns) {
        builder.netns(netns);
    }

    /** Docker {@code --network}: a network's name (default {@code 'bridge'}), {@code 'host'}, {@code 'none'} or {@code 'container:NAME'}. */
    public void network(String mode) {
        builder.network(mode);
    }

    /** Docker {@code -h} (default: the container's name). */
    public void hostname(String hostname) {
        builder.hostname(hostname);
    }

    /** Docker {@code --mac-address}: a unicast MAC. */
    public void mac(String mac) {
        builder.mac(mac);
    }

    /** Docker {@code --ip}: a static IPv4 address in the network's range. */
    public void ip(String ip) {
        builder.ip(ip);
    }

    /** Docker {@code --ip6}: a static IPv6 address in the network's IPv6 subnet. */
    public void ip6(String ip6) {
        builder.ip6(ip6);
    }

    /** The interface name inside the container (default {@code eth0}). */
    public void ifname(String ifname) {
        builder.ifname(ifname);
    }

    /** Docker {@code -p}: {@code [hostIp:]hostPort[-end]:containerPort[-end][/tcp|udp]}; repeatable. */
    public void publish(String spec, String... more) {
        builder.publish(spec);
        for (String s : more) builder.publish(s);
    }

    /** Docker {@code --network-alias}: more names the container answers to on its network; repeatable. */
    public void alias(String name, String... more) {
        builder.alias(name);
        for (String s : more) builder.alias(s);
    }

    /**
     * Docker {@code --add-host}: {@code 'NAME:IP'} lines for the container's /etc/hosts ({@code 'NAME:host-gateway'}:
     * the network's gateway); repeatable.
     */
    public void addHost(String entry, String... more) {
        builder.addHost(entry);
        for (String s : more) builder.addHost(s);
    }

    /**
     * Docker {@code docker network connect NETWORK}: one more network for the container, with an interface of its
     * own ({@code eth1}, {@code eth2}, ... unless {@code ifname:} names it); repeatable, a network once.
     */
    public void connect(String network) {
        builder.connect(network);
    }

    /**
     * {@code connect 'back', ip: '10.1.0.5', ip6: 'fd00:1::5', ifname: 'eth1', alias: ['db', 'database'],
     * mac: '02:42:0a:01:00:05', publish: '8081:81', defaultRoute: true, spoofCheck: false}: the same with the
     * connection's own settings (Docker's {@code --ip}, {@code --ip6}, {@code --alias}, {@code --mac-address} of
     * {@code network connect}; {@code spoofCheck: false} turns anti-spoofing off on this network's port only).
     */
    public void connect(@NamedParam(value = "ip", type = String.class)
                        @NamedParam(value = "ip6", type = String.class)
                        @NamedParam(value = "ifname", type = String.class)
                        @NamedParam(value = "alias", type = Object.class)
                        @NamedParam(value = "mac", type = String.class)
                        @NamedParam(value = "publish", type = Object.class)
                        @NamedParam(value = "defaultRoute", type = Boolean.class)
                        @NamedParam(value = "spoofCheck", type = Boolean.class)
                        Map<String, ?> options, String network) {
        builder.connect(network, c -> {
            for (Map.Entry<String, ?> o : options.entrySet()) {
                String field = "container " + name + ": connect " + network + " " + o.getKey();
                switch (o.getKey()) {
                    case "ip" -> c.ip(text(field, o.getValue()));
                    case "ip6" -> c.ip6(text(field, o.getValue()));
                    case "ifname" -> c.ifname(text(field, o.getValue()));
                    case "mac" -> c.mac(text(field, o.getValue()));
                    case "alias" -> texts(field, o.getValue()).forEach(c::alias);
                    case "publish" -> texts(field, o.getValue()).forEach(c::publish);
                    case "defaultRoute" -> c.defaultRoute(bool(field, o.getValue()));
                    case "spoofCheck" -> c.spoofCheck(bool(field, o.getValue()));
                    default -> throw new ValidationException("container " + name + ": connect " + network, o.getKey(),
                            "unknown option", "ip:, ip6:, ifname:, alias:, mac:, publish:, defaultRoute: or spoofCheck:");
                }
            }
        });
    }

    private static boolean bool(String field, Object v) {
        if (!(v instanceof Boolean b)) {
            throw new ValidationException(field, String.valueOf(v), "not true or false", "true or false");
        }
        return b;
    }

    private static String text(String field, Object v) {
        if (!(v instanceof CharSequence s)) {
            throw new ValidationException(field, String.valueOf(v), "not a quoted string", "a quoted string");
        }
        return s.toString();
    }

    /** One quoted string, or a list of them ({@code alias: ['db', 'database']}). */
    private static List<String> texts(String field, Object v) {
        if (v instanceof List<?> l) return l.stream().map(x -> text(field, x)).toList();
        return List.of(text(field, v));
    }

    /** Whether this container's first network carries its default route (default: yes, unless a connect asks). */
    public void defaultRoute(boolean on) {
        builder.defaultRoute(on);
    }

    /**
     * Anti-spoofing on the bridge port of the container's first network, on by default: {@code spoofCheck false} lets
     * a container that routes or bridges other addresses (a VPN, a router) send from them. A connect has its own
     * ({@code spoofCheck:}).
     */
    public void spoofCheck(boolean on) {
        builder.spoofCheck(on);
    }

    /** Docker {@code --dns}, {@code --dns-search}, {@code --dns-opt} for this container. */
    public void dns(@DelegatesTo(value = DnsBlock.class, strategy = Closure.DELEGATE_ONLY) Closure<?> body) {
        DnsBlock dns = new DnsBlock("container " + name);
        Blocks.call(body, dns);
        builder.dns(dns.build());
    }

    ContainerSpec build() {
        return builder.build();
    }
}
