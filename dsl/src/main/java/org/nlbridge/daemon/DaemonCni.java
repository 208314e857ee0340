package org.nlbridge.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.nlbridge.cni.AttachRequest;
import org.nlbridge.cni.Attachment;
import org.nlbridge.cni.CniBackend;
import org.nlbridge.cni.CniConfig;
import org.nlbridge.cni.CniException;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.Hostname;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.PortMapping;
import org.nlbridge.net.PortSpec;
import org.nlbridge.net.SafeName;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;

/**
 * The CNI verbs on the daemon's engine: each is one operation on the engine thread that edits the CNI attachments
 * ({@link CniPart}) and converges, so ADDs from many runtimes at once are served one after the other, each all or
 * nothing. A CNI attachment is an engine container named by {@code CNI_CONTAINERID}, in the runtime's namespace.
 */
final class DaemonCni implements CniBackend {

    private final Daemon daemon;

    DaemonCni(Daemon daemon) {
        this.daemon = daemon;
    }

    @Override
    public Attachment add(AttachRequest r) {
        String net = r.network().name();
        return daemon.onEngine("cni add", () -> {
            CniPart cni = daemon.cni();
            DesiredState desired = daemon.desiredOrEmpty();
            NetworkSpec existing = desired.network(net).or(() -> cni.network(net)).orElse(null);
            CniPart next = cni;
            if (existing == null) next = next.withNetwork(r.network());
            else CniConfig.requireMatch(existing, r.network(), r.networkKeys());
            Optional<CniPart.Attachment> same = cni.find(net, r.containerId(), r.ifname());
            if (same.isPresent() && same.get().netns().equals(r.netns())) {
                Optional<Attachment> now = attachment(same.get(), daemon.engine().status());
                if (now.isPresent()) return now.get();
            }
            for (CniPart.Attachment a : cni.attachments()) {
                if (a.containerId().equals(r.containerId()) && !a.is(net, r.containerId(), r.ifname())) {
                    throw new CniException(CniException.ENGINE_FAILED, "container " + r.containerId() + " already has "
                            + a.ifname() + " on network " + a.network() + "; a second interface (" + r.ifname() + " on "
                            + net + ") needs the engine's attachments");
                }
            }
            if (desired.container(r.containerId()).isPresent()) {
                throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid CNI_CONTAINERID \"" + r.containerId()
                        + "\": a container of the daemon's desired state has that name");
            }
            CniPart.Attachment a = new CniPart.Attachment(net, r.containerId(), r.ifname(), r.netns(), r.defaultRoute(),
                    r.podNamespace(), r.podName(), r.aliases(), containerSpec(r));
            daemon.applyCni("cni-add", a.describe(), next.with(a));
            Attachment made = attachment(a, daemon.engine().status()).orElseThrow(() -> new IllegalStateException(
                    "the engine applied " + a.describe() + " but does not list it"));
            // what the runtime was told stays so: a veth re-made by drift repair or after a restart gets the same
            // address and MAC (the container spec now asks for them; the engine already has them, so nothing changes)
            daemon.pinCni(a, pinned(a.container(), made));
            return made;
        });
    }

    /** The engine container that carries an attachment: named by the container id, in the runtime's namespace. */
    private static ContainerSpec containerSpec(AttachRequest r) {
        if (!SafeName.isValid(r.containerId())) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid CNI_CONTAINERID \"" + r.containerId()
                    + "\": nlbridge names containers with " + SafeName.ACCEPTED);
        }
        ContainerSpec.Builder b = ContainerSpec.builder(r.containerId()).netns(netnsName(r.netns()))
                .network(r.network().name()).ifname(r.ifname()).hostname(hostname(r));
        if (r.ip() != null) b.ip(r.ip().toString());
        if (r.ip6() != null) b.ip6(r.ip6().toString());
        if (r.mac() != null) b.mac(r.mac().toString());
        for (PortSpec p : r.ports()) b.publish(p.toString());
        return b.build();
    }

    private static ContainerSpec pinned(ContainerSpec c, Attachment made) {
        ContainerSpec.Builder b = ContainerSpec.builder(c.name()).netns(c.netns()).network(c.network().toString())
                .ifname(c.ifname().toString()).hostname(c.hostname().toString()).dns(c.dns())
                .ip(made.ipv4().address().toString()).mac(made.mac().toString());
        if (made.ipv6() != null) b.ip6(made.ipv6().address().toString());
        for (PortSpec p : c.publish()) b.publish(p.toString());
        return b.build();
    }

    /** A name under /run/netns that exists: podman's and CRI's namespaces ({@code /run/netns/cni-<uuid>}). */
    private static String netnsName(String path) {
        String name = null;
        for (String dir : List.of("/run/netns/", "/var/run/netns/")) {
            if (path.startsWith(dir) && path.indexOf('/', dir.length()) < 0) name = path.substring(dir.length());
        }
        if (name == null || !SafeName.isValid(name)) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid CNI_NETNS \"" + path
                    + "\": not a namespace under /run/netns; expected /run/netns/NAME");
        }
        if (!Files.exists(Path.of(path))) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid CNI_NETNS \"" + path
                    + "\": no such namespace; expected the container's network namespace");
        }
        return name;
    }

    private static String hostname(AttachRequest r) {
        for (String h : new String[] {r.podName(), r.containerId(), r.containerId().substring(0, Math.min(12, r.containerId().length()))}) {
            try {
                if (h != null) return Hostname.parse("hostname", h).toString();
            } catch (ValidationException e) {
                // the next candidate
            }
        }
        return "container";
    }

    /** The attachment as the engine has it now, or nothing if the engine does not list its container. */
    private Optional<Attachment> attachment(CniPart.Attachment a, EngineStatus st) {
        EngineStatus.ContainerStatus cs = st.containers().stream()
                .filter(c -> c.name().equals(a.container().name()) && a.network().equals(c.network()) && c.ipv4() != null)
                .findFirst().orElse(null);
        EngineStatus.NetworkStatus ns = st.networks().stream().filter(n -> n.name().equals(a.network())).findFirst().orElse(null);
        if (cs == null || ns == null) return Optional.empty();
        Cidr v6 = cs.ipv6() == null ? null : withPrefix(cs.ipv6(), ns.subnetV6());
        List<PortMapping> ports = new ArrayList<>();
        for (EngineStatus.PortStatus p : st.ports()) {
            if (!p.container().equals(cs.name())) continue;
            ports.add(new PortMapping(org.nlbridge.net.IpProtocol.valueOf(p.protocol().toUpperCase(java.util.Locale.ROOT)),
                    p.hostIp() == null ? null : IpAddress.parse("hostIp", p.hostIp()), p.hostPort(), p.containerPort()));
        }
        NetworkSpec spec = daemon.desiredOrEmpty().network(a.network()).or(() -> daemon.cni().network(a.network())).orElse(null);
        return Optional.of(new Attachment(a.network(), a.containerId(), a.ifname(), a.netns(), cs.hostVeth(), null,
                MacAddress.parse("mac", cs.mac()), ns.mtu(), withPrefix(cs.ipv4(), ns.subnet()),
                ns.gateway() == null ? null : IpAddress.parse("gateway", ns.gateway()), v6,
                // the bridge driver's IPv6 gateway: the subnet's first address
                ns.subnetV6() == null ? null : Cidr.parseSubnet("subnetV6", ns.subnetV6()).network().next(),
                a.defaultRoute() == null || a.defaultRoute(), spec == null ? null : spec.dns(), ports, a.podNamespace(), a.podName()));
    }

    /** The engine lists an address alone or with its prefix; a result wants the network's prefix on it. */
    private static Cidr withPrefix(String address, String subnet) {
        if (address.indexOf('/') >= 0) return Cidr.parseInterface("address", address);
        return Cidr.of(IpAddress.parse("address", address), Cidr.parseSubnet("subnet", subnet).prefixLength());
    }

    @Override
    public void delete(String network, String containerId, String ifname) {
        daemon.onEngine("cni del", () -> {
            CniPart cni = daemon.cni();
            Optional<CniPart.Attachment> a = cni.find(network, containerId, ifname);
            if (a.isPresent()) {
                daemon.applyCni("cni-del", a.get().describe(), cni.without(x -> x.is(network, containerId, ifname)));
            }
            return null;
        });
    }

    @Override
    public Optional<Attachment> find(String network, String containerId, String ifname) {
        return daemon.onEngine("cni find", () -> daemon.cni().find(network, containerId, ifname)
                .flatMap(a -> attachment(a, daemon.engine().status())));
    }

    /** What converging would change about the attachment's container: its veth gone, off its bridge, its ports. */
    @Override
    public List<String> check(Attachment a) {
        return daemon.onEngine("cni check", () -> {
            DesiredState all = daemon.engineDesired();
            List<String> out = new ArrayList<>();
            if (all == null) return out;
            String name = a.containerId();
            for (Change c : daemon.engine().plan(all).changes()) {
                if (c.object().equals(name) || c.object().startsWith(name + " ") || c.object().startsWith(name + ":")
                        || c.detail().equals("to " + name)) {
                    out.add("the engine would " + c.action().name().toLowerCase(java.util.Locale.ROOT) + " " + c.kind()
                            + " " + c.object() + (c.detail().isEmpty() ? "" : " (" + c.detail() + ")"));
                }
            }
            return out;
        });
    }

    @Override
    public List<String> gc(String network, Set<CniConfig.AttachmentKey> valid) {
        return daemon.onEngine("cni gc", () -> {
            CniPart cni = daemon.cni();
            CniPart next = cni.without(a -> a.network().equals(network)
                    && !valid.contains(new CniConfig.AttachmentKey(a.containerId(), a.ifname())));
            if (next.equals(cni)) return List.of();
            List<String> gone = new ArrayList<>();
            cni.attachments().stream().filter(a -> !next.attachments().contains(a)).forEach(a -> gone.add(a.describe()));
            try {
                daemon.applyCni("cni-gc", "network " + network + ": " + String.join(", ", gone), next);
                return List.of();
            } catch (RuntimeException e) {
                return List.of(Api.message(e));
            }
        });
    }

    @Override
    public void ready(String network) {
        if (daemon.stopping()) throw new IllegalStateException("the daemon is stopping");
    }
}
