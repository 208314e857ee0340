package org.nlbridge.cni;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.PortMapping;
import org.nlbridge.net.PortSpec;
import org.nlbridge.spec.NetworkSpec;

/**
 * A backend in memory for the protocol's tests: networks created on first ADD (or checked), addresses .2, .3, ... of
 * the network's subnet unless one is asked for, MACs from the address, kernel problems to report on CHECK.
 */
final class FakeBackend implements CniBackend {
    final Map<String, NetworkSpec> networks = new LinkedHashMap<>();
    final Map<String, Attachment> attachments = new LinkedHashMap<>();
    final List<AttachRequest> requests = new ArrayList<>();
    List<String> problems = List.of();
    RuntimeException failure;
    int next = 2;

    private static String key(String net, String id, String ifname) {
        return net + "/" + id + "/" + ifname;
    }

    @Override
    public Attachment add(AttachRequest r) {
        if (failure != null) throw failure;
        requests.add(r);
        NetworkSpec n = networks.get(r.network().name());
        if (n == null) networks.put(r.network().name(), n = r.network());
        else CniConfig.requireMatch(n, r.network(), r.networkKeys());
        Cidr subnet = n.subnet();
        IpAddress ip = r.ip() != null ? r.ip() : IpAddress.parse("ip", subnet.network().toString().replaceAll("\\.0$", "." + next++));
        Cidr v6 = n.fixedCidrV6() == null ? null : Cidr.of(r.ip6() != null ? r.ip6() : n.fixedCidrV6().network().next().next(),
                n.fixedCidrV6().prefixLength());
        List<PortMapping> ports = new ArrayList<>();
        for (PortSpec p : r.ports()) ports.addAll(p.mappings());
        Attachment a = new Attachment(n.name(), r.containerId(), r.ifname(), r.netns(), "nlbveth" + attachments.size(),
                MacAddress.parse("mac", "02:00:00:00:00:01"), r.mac() != null ? r.mac()
                : MacAddress.fromIpv4((org.nlbridge.net.Ipv4Address) ip), 1500, Cidr.of(ip, subnet.prefixLength()),
                n.bip().address(), v6, v6 == null ? null : n.fixedCidrV6().network().next(),
                r.defaultRoute() == null || r.defaultRoute(), n.dns(), ports, r.podNamespace(), r.podName());
        attachments.put(key(n.name(), r.containerId(), r.ifname()), a);
        return a;
    }

    @Override
    public void delete(String network, String containerId, String ifname) {
        if (failure != null) throw failure;
        attachments.remove(key(network, containerId, ifname));
    }

    @Override
    public Optional<Attachment> find(String network, String containerId, String ifname) {
        return Optional.ofNullable(attachments.get(key(network, containerId, ifname)));
    }

    @Override
    public List<String> check(Attachment attachment) {
        return problems;
    }

    @Override
    public List<String> gc(String network, Set<CniConfig.AttachmentKey> valid) {
        attachments.values().removeIf(a -> a.network().equals(network)
                && !valid.contains(new CniConfig.AttachmentKey(a.containerId(), a.ifname())));
        return List.of();
    }

    @Override
    public void ready(String network) {
        if (failure != null) throw failure;
    }
}
