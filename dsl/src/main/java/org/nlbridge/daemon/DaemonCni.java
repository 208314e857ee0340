package org.nlbridge.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.nlbridge.cni.AttachRequest;
import org.nlbridge.cni.Attachment;
import org.nlbridge.cni.CniBackend;
import org.nlbridge.cni.CniConfig;
import org.nlbridge.cni.CniException;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.SafeName;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.spec.NotFoundException;

/**
 * The CNI verbs on the daemon's engine: each is one operation on the engine thread that edits the CNI attachments
 * ({@link CniPart}) and converges, so ADDs from many runtimes at once are served one after the other, each all or
 * nothing. A CNI container is one engine container named by {@code CNI_CONTAINERID}, in the runtime's namespace
 * ({@code CNI_NETNS}, used by path, never created or deleted), its attachments keyed by {@code CNI_IFNAME}: the first
 * is its network, the others its connects.
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
                Optional<Attachment> now = attachment(same.get());
                if (now.isPresent()) return now.get(); // a runtime retrying an ADD it saw no answer to
            }
            if (!SafeName.isValid(r.containerId())) {
                throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid CNI_CONTAINERID \"" + r.containerId()
                        + "\": nlbridge names containers with " + SafeName.ACCEPTED);
            }
            if (desired.container(r.containerId()).isPresent()) {
                throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid CNI_CONTAINERID \"" + r.containerId()
                        + "\": a container of the daemon's desired state has that name");
            }
            // the container's attachments in another namespace are stale (it was re-created without a DEL)
            next = next.without(x -> x.containerId().equals(r.containerId()) && !x.netns().equals(r.netns())
                    || x.is(net, r.containerId(), r.ifname()));
            boolean first = next.attachments().stream().noneMatch(x -> x.containerId().equals(r.containerId()));
            CniPart.Attachment a = new CniPart.Attachment(net, r.containerId(), r.ifname(), r.netns(),
                    r.defaultRoute() != null ? r.defaultRoute() : first, r.spoofCheck(), r.podNamespace(), r.podName(),
                    r.aliases(), r.ip(), r.ip6(), r.mac(), r.ports());
            daemon.applyCni("cni-add", a.describe(), next.with(a));
            Attachment made = attachment(a).orElseThrow(() -> new IllegalStateException(
                    "the engine applied " + a.describe() + " but does not list it"));
            // what the runtime was told stays so: a veth re-made by drift repair or after a restart gets the same
            // address and MAC (the engine has exactly these already, so nothing changes now)
            daemon.pinCni(a.pinned((Ipv4Address) made.ipv4().address(),
                    made.ipv6() == null ? null : (Ipv6Address) made.ipv6().address(), made.mac()));
            return made;
        });
    }

    /** The attachment as the engine has it now, or nothing if the engine does not list it. */
    private Optional<Attachment> attachment(CniPart.Attachment a) {
        Engine engine = daemon.engine();
        EngineStatus.ContainerStatus cs = engine.containerStatus(a.containerId()).orElse(null);
        EngineStatus.NetworkStatus ns = engine.networkStatus(a.network()).orElse(null);
        if (cs == null || ns == null) return Optional.empty();
        EngineStatus.AttachmentStatus at = cs.attachments().stream().filter(x -> x.network().equals(a.network())
                && x.ifname().equals(a.ifname())).findFirst().orElse(null);
        if (at == null) return Optional.empty();
        NetworkSpec spec = daemon.desiredOrEmpty().network(a.network()).or(() -> daemon.cni().network(a.network())).orElse(null);
        Cidr v6 = at.ipv6() == null ? null : withPrefix(at.ipv6(), ns.subnetV6());
        return Optional.of(new Attachment(a.network(), a.containerId(), a.ifname(), a.netns(), at.hostVeth(), null,
                MacAddress.parse("mac", at.mac()), ns.mtu(), withPrefix(at.ipv4(), ns.subnet()),
                ns.gateway() == null ? null : IpAddress.parse("gateway", ns.gateway()), v6,
                // the bridge driver's IPv6 gateway: the subnet's first address
                ns.subnetV6() == null ? null : Cidr.parseSubnet("subnetV6", ns.subnetV6()).network().next(),
                at.defaultRoute(), spec == null ? null : spec.dns(), List.of(), a.podNamespace(), a.podName()));
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
        return daemon.onEngine("cni find", () -> daemon.cni().find(network, containerId, ifname).flatMap(this::attachment));
    }

    /** What the kernel lacks of the attachment: the engine's check of its container on that network. */
    @Override
    public List<String> check(Attachment a) {
        return daemon.onEngine("cni check", () -> {
            try {
                return daemon.engine().check(a.containerId(), a.network());
            } catch (NotFoundException gone) {
                return List.of("the engine has no container " + a.containerId());
            }
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
