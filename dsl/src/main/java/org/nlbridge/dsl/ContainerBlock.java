package org.nlbridge.dsl;

import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
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

    /**
     * Anti-spoofing on the container's bridge port, on by default: {@code spoofCheck false} lets a container that
     * routes or bridges other addresses (a VPN, a router) send from them.
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
