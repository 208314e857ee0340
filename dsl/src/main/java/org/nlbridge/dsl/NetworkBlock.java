package org.nlbridge.dsl;

import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
import org.nlbridge.engine.Engines;
import org.nlbridge.spec.NetworkSpec;

/**
 * The body of {@code network(NAME) { ... }}: Docker's daemon options for a bridge network. Each key hands its value
 * to {@link NetworkSpec.Builder}, which validates it on the spot, so the script stops at the line of a bad value.
 */
public final class NetworkBlock {

    private final String name;
    private final NetworkSpec.Builder builder;

    NetworkBlock(String name) {
        this.builder = NetworkSpec.builder(name);
        this.name = name;
    }

    /**
     * Docker {@code --driver}: the network driver that makes this network (default {@code 'bridge'}); one the engine
     * has, so {@code check} refuses an unknown name at its line.
     */
    public void driver(String driver) {
        builder.driver(driver);
        Engines.DRIVERS.get(name, driver);
    }

    /** The bridge to create (default {@code docker0}). */
    public void bridge(String ifname) {
        builder.bridge(ifname);
    }

    /** Docker {@code -b}: an existing bridge, never created, changed or deleted. */
    public void useBridge(String ifname) {
        builder.useBridge(ifname);
    }

    /** Docker {@code --bip}: the bridge's address with the network prefix. */
    public void bip(String cidr) {
        builder.bip(cidr);
    }

    /**
     * Docker {@code docker network create --subnet}: the network's subnet, its gateway the first address (unless
     * {@code bip} says otherwise). What an {@code overlay} network is declared with.
     */
    public void subnet(String cidr) {
        builder.subnet(cidr);
    }

    /** An overlay network's VXLAN network identifier, 1..16777215 (default: the cluster store picks one from 4096). */
    public void vni(int vni) {
        builder.vni(vni);
    }

    /** Docker {@code --fixed-cidr}: allocate container addresses only inside this subnet of the bip's. */
    public void fixedCidr(String cidr) {
        builder.fixedCidr(cidr);
    }

    /** Docker {@code --fixed-cidr-v6}: the IPv6 subnet (without it, the network is IPv4 only). */
    public void fixedCidrV6(String cidr) {
        builder.fixedCidrV6(cidr);
    }

    /** Docker {@code --mtu} (omitted: the MTU of the host's default-route interface). */
    public void mtu(int mtu) {
        builder.mtu(mtu);
    }

    /** Docker {@code --icc}: may containers on this bridge talk to each other (default true). */
    public void icc(boolean icc) {
        builder.icc(icc);
    }

    /** Docker {@code --ip-masq}: masquerade traffic leaving the subnet (default true). */
    public void ipMasq(boolean ipMasq) {
        builder.ipMasq(ipMasq);
    }

    /** Docker {@code --ip-forward}: enable IPv4 forwarding on the host (default true). */
    public void ipForward(boolean ipForward) {
        builder.ipForward(ipForward);
    }

    /** Docker {@code --internal}: no route out, no masquerade, no published ports. */
    public void internal(boolean internal) {
        builder.internal(internal);
    }

    /** Docker {@code --iptables} / {@code --firewall-backend}: {@code 'nftables'} (default) or {@code 'none'}. */
    public void firewall(String backend) {
        builder.firewall(backend);
    }

    /** The classic Docker MAC {@code 02:42:} + the container's IPv4 bytes, instead of a random one. */
    public void macFromIp(boolean macFromIp) {
        builder.macFromIp(macFromIp);
    }

    /**
     * Docker's {@code com.docker.network.bridge.gateway_mode_ipv4} (and {@code _ipv6}, unless {@link #gatewayModeV6}
     * sets it): {@code 'nat'} (default), {@code 'nat-unprotected'}, {@code 'routed'} or {@code 'isolated'}.
     */
    public void gatewayMode(String mode) {
        builder.gatewayMode(mode);
    }

    /** Docker's {@code com.docker.network.bridge.gateway_mode_ipv6}, for a network with {@code fixedCidrV6}. */
    public void gatewayModeV6(String mode) {
        builder.gatewayModeV6(mode);
    }

    /** Docker {@code dockerd --ip}: the host address ports published without one are bound to. */
    public void hostBindingIp(String ip) {
        builder.hostBindingIp(ip);
    }

    /** Docker {@code dockerd --dns*}: DNS defaults for this network's containers. */
    public void dns(@DelegatesTo(value = DnsBlock.class, strategy = Closure.DELEGATE_ONLY) Closure<?> body) {
        DnsBlock dns = new DnsBlock("network " + name);
        Blocks.call(body, dns);
        builder.dns(dns.build());
    }

    NetworkSpec build() {
        return builder.build();
    }
}
