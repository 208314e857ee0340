package org.nlbridge.dockerplugin;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.PortSpec;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkMode;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.spec.NotFoundException;

/**
 * libnetwork's remote {@code NetworkDriver} API on the daemon's desired state. A Docker network is an nlbridge network
 * and a Docker endpoint (one container on one network) an nlbridge container whose veth's container end is handed
 * over to dockerd in the host namespace ({@link ContainerSpec#handover()}), as Docker's own bridge driver does it:
 * {@code CreateEndpoint} makes the veth (on the bridge, with the endpoint's MAC and the network's MTU) and
 * {@code Join} names it to dockerd, which moves it into the container, renames it {@code eth<N>} and sets the
 * addresses and the routes {@code Join} returns; {@code DeleteEndpoint} removes it wherever it is.
 * {@code Program/RevokeExternalConnectivity} publish and withdraw the port map. Everything a call changes is in the
 * daemon's desired state, so it survives restarts of either side and shows in {@code nlbridge status}.
 *
 * <p>Calls are idempotent where dockerd may repeat them (after a timeout, or when it cleans up after a restart):
 * deleting what does not exist succeeds, creating what exists with the same settings succeeds.
 */
final class NetworkDriverCalls {
    static final String MAC_OPTION = "com.docker.network.endpoint.macaddress";
    /** The endpoint options dockerd itself sends (20.10); any other is a user's {@code --driver-opt}. */
    private static final Set<String> ENDPOINT_OPTIONS = Set.of(MAC_OPTION, PortBindings.PORTMAP, PortBindings.EXPOSED);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String DST_PREFIX = "eth";

    private final Backend backend;

    NetworkDriverCalls(Backend backend) {
        this.backend = backend;
    }

    ObjectNode capabilities() {
        ObjectNode o = DockerJson.obj();
        o.put("Scope", "local");
        o.put("ConnectivityScope", "local");
        o.put("GwAllocChecker", false);
        return o;
    }

    /** Only asked when {@code GwAllocChecker} is set, which it is not: the gateways are allocated as usual. */
    ObjectNode gwAllocCheck() {
        ObjectNode o = DockerJson.obj();
        o.put("SkipIPv4", false);
        o.put("SkipIPv6", false);
        return o;
    }

    ObjectNode createNetwork(DockerJson r, String peer) {
        NetworkSpec spec = NetworkOptions.spec(r);
        return backend.change("create", "network " + spec.name(), peer, d -> {
            NetworkSpec old = d.network(spec.name()).orElse(null);
            if (old != null) {
                if (old.equals(spec)) return Backend.Edit.none(DockerJson.obj()); // dockerd repeating itself
                throw new ValidationException("NetworkID", r.text("NetworkID"), "network " + spec.name()
                        + " exists with other settings", "a new network ID");
            }
            return new Backend.Edit<>(d.withNetwork(spec), DockerJson.obj());
        });
    }

    /** Removes the network and whatever endpoints of it dockerd forgot to delete (it lost them while we were down). */
    ObjectNode deleteNetwork(DockerJson r, String peer) {
        String name = DockerIds.network(DockerIds.check("NetworkID", r.required("NetworkID")));
        return backend.change("remove", "network " + name, peer, d -> {
            if (d.network(name).isEmpty()) return Backend.Edit.none(DockerJson.obj());
            DesiredState next = d;
            for (ContainerSpec c : d.containers()) {
                if (c.network() instanceof NetworkMode.Bridge b && b.network().equals(name)) {
                    if (c.handover() == null) {
                        throw new ValidationException("network " + name, null, "container " + c.name()
                                + " was attached to it through nlbridge's own API", "its removal first");
                    }
                    next = next.withoutContainer(c.name());
                }
            }
            return new Backend.Edit<>(next.withoutNetwork(name), DockerJson.obj());
        });
    }

    ObjectNode createEndpoint(DockerJson r, String peer) {
        String netId = DockerIds.check("NetworkID", r.required("NetworkID"));
        String epId = DockerIds.check("EndpointID", r.required("EndpointID"));
        String network = DockerIds.network(netId);
        String name = DockerIds.endpoint(epId);
        DockerJson iface = r.object("Interface");
        DockerJson options = r.object("Options");
        for (String k : options.fields().keySet()) {
            if (!ENDPOINT_OPTIONS.contains(k)) {
                throw new ValidationException("--driver-opt", k, "unknown endpoint option", "no endpoint options"
                        + " (nlbridge takes its settings per network: docker network create -o ...)");
            }
        }
        PortBindings.read(options); // refuse a bad port map before anything exists
        MacAddress dockerMac = mac(iface, options);
        return backend.change("connect", "container " + name, peer, d -> {
            NetworkSpec net = d.network(network).orElseThrow(() -> new NotFoundException("NetworkID", netId,
                    "nlbridge has no network " + network, "a network created with docker network create -d nlbridge"));
            ContainerSpec.Builder b = ContainerSpec.builder(name).network(network).handover(DockerIds.handover(epId));
            Ipv4Address ip = (Ipv4Address) address(iface, "Address", net.bip(), Ipv4Address.class);
            b.ip(ip.toString());
            if (net.fixedCidrV6() != null) {
                IpAddress ip6 = address(iface, "AddressIPv6", net.fixedCidrV6(), Ipv6Address.class);
                if (ip6 != null) b.ip6(ip6.toString());
            } else if (!iface.text("AddressIPv6").isEmpty()) {
                throw new ValidationException("--ip6", iface.text("AddressIPv6"), "network " + network + " has no IPv6",
                        "no IPv6 address (docker network create --ipv6 for one)");
            }
            ContainerSpec old = d.container(name).orElse(null);
            MacAddress mac = dockerMac != null ? dockerMac
                    : old != null ? old.mac() // dockerd repeating itself: the MAC drawn the first time
                    : net.macFromIp() ? MacAddress.fromIpv4(ip) : MacAddress.random(RANDOM);
            b.mac(mac.toString());
            ContainerSpec spec = b.build();
            ObjectNode answer = DockerJson.obj();
            if (dockerMac == null) answer.putObject("Interface").put("MacAddress", mac.toString());
            if (old == null) return new Backend.Edit<>(d.withContainer(spec), answer);
            if (old.withPublish(List.of()).equals(spec)) return Backend.Edit.none(answer);
            throw new ValidationException("EndpointID", epId, "endpoint " + name + " exists with other settings",
                    "a new endpoint ID");
        });
    }

    /** The address dockerd's IPAM gave, which must lie in the network's subnet with its prefix. */
    private static IpAddress address(DockerJson iface, String key, Cidr subnet, Class<? extends IpAddress> family) {
        String text = iface.text(key);
        String option = key.equals("Address") ? "--ip" : "--ip6";
        if (text.isEmpty()) {
            if (key.equals("Address")) {
                throw new ValidationException(option, null, "the IPAM driver gave the endpoint no IPv4 address",
                        "an IPAM driver that allocates addresses");
            }
            return null;
        }
        Cidr c = Cidr.parseInterface(option, text);
        if (!family.isInstance(c.address()) || !c.subnet().equals(subnet.subnet())) {
            throw new ValidationException(option, text, "not an address of the network's subnet " + subnet.subnet(),
                    "an address of " + subnet.subnet());
        }
        return c.address();
    }

    /** {@code --mac-address}: in the interface, or base64 in the options; null when neither has one. */
    private static MacAddress mac(DockerJson iface, DockerJson options) {
        String text = iface.text("MacAddress");
        if (!text.isEmpty()) return MacAddress.parseUnicast("--mac-address", text);
        JsonNode b64 = options.get(MAC_OPTION);
        if (b64 == null) return null;
        if (!b64.isTextual()) throw new ValidationException("--mac-address", b64.toString(), "not base64 text", "a MAC");
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(b64.textValue());
        } catch (IllegalArgumentException e) {
            throw new ValidationException("--mac-address", b64.textValue(), "not base64", "a MAC, base64-encoded");
        }
        if (bytes.length != 6) throw new ValidationException("--mac-address", b64.textValue(), bytes.length + " bytes", "6 bytes");
        return MacAddress.parseUnicast("--mac-address", MacAddress.of(bytes).toString());
    }

    ObjectNode join(DockerJson r) {
        String netId = DockerIds.check("NetworkID", r.required("NetworkID"));
        String epId = DockerIds.check("EndpointID", r.required("EndpointID"));
        String name = DockerIds.endpoint(epId);
        return backend.read(d -> {
            ContainerSpec c = endpoint(d, name, epId);
            NetworkSpec net = d.network(DockerIds.network(netId)).orElseThrow(() -> new NotFoundException("NetworkID",
                    netId, "nlbridge has no network " + DockerIds.network(netId), "a network of this plugin"));
            ObjectNode o = DockerJson.obj();
            ObjectNode names = o.putObject("InterfaceName");
            names.put("SrcName", c.handover().toString());
            names.put("DstPrefix", DST_PREFIX);
            if (!net.internal()) { // no gateway on an internal network, and dockerd adds none either
                o.put("Gateway", net.bip().address().toString());
                if (net.fixedCidrV6() != null) o.put("GatewayIPv6", net.fixedCidrV6().network().next().toString());
            }
            o.putArray("StaticRoutes");
            o.put("DisableGatewayService", false);
            return o;
        });
    }

    ObjectNode deleteEndpoint(DockerJson r, String peer) {
        DockerIds.check("NetworkID", r.required("NetworkID"));
        String name = DockerIds.endpoint(DockerIds.check("EndpointID", r.required("EndpointID")));
        return backend.change("disconnect", "container " + name, peer, d -> d.container(name).isEmpty()
                ? Backend.Edit.none(DockerJson.obj())
                : new Backend.Edit<>(d.withoutContainer(name), DockerJson.obj()));
    }

    ObjectNode programExternalConnectivity(DockerJson r, String peer) {
        String epId = DockerIds.check("EndpointID", r.required("EndpointID"));
        String name = DockerIds.endpoint(epId);
        List<PortBindings.Wanted> wanted = PortBindings.read(r.object("Options"));
        return backend.change("publish", "container " + name, peer, d -> {
            ContainerSpec c = endpoint(d, name, epId);
            List<PortSpec> ports = PortBindings.resolve(wanted, d, name);
            if (ports.equals(c.publish())) return Backend.Edit.none(DockerJson.obj());
            return new Backend.Edit<>(d.withContainer(c.withPublish(ports)), DockerJson.obj());
        });
    }

    ObjectNode revokeExternalConnectivity(DockerJson r, String peer) {
        String name = DockerIds.endpoint(DockerIds.check("EndpointID", r.required("EndpointID")));
        return backend.change("unpublish", "container " + name, peer, d -> {
            ContainerSpec c = d.container(name).orElse(null);
            if (c == null || c.publish().isEmpty()) return Backend.Edit.none(DockerJson.obj());
            return new Backend.Edit<>(d.withContainer(c.withPublish(List.of())), DockerJson.obj());
        });
    }

    /** What Docker's bridge driver reports: the port map as published, the exposed ports, the MAC. */
    ObjectNode endpointOperInfo(DockerJson r) {
        String name = DockerIds.endpoint(DockerIds.check("EndpointID", r.required("EndpointID")));
        return backend.read(d -> {
            ObjectNode o = DockerJson.obj();
            ObjectNode v = o.putObject("Value");
            ContainerSpec c = d.container(name).orElse(null);
            if (c == null) return o;
            v.set(PortBindings.PORTMAP, PortBindings.toDocker(c.publish(), c.ip()));
            v.set(PortBindings.EXPOSED, PortBindings.exposed(c.publish()));
            if (c.mac() != null) v.put(MAC_OPTION, Base64.getEncoder().encodeToString(c.mac().bytes()));
            return o;
        });
    }

    private static ContainerSpec endpoint(DesiredState d, String name, String epId) {
        ContainerSpec c = d.container(name).orElseThrow(() -> new NotFoundException("EndpointID", epId,
                "nlbridge has no endpoint " + name, "an endpoint created by CreateEndpoint"));
        if (c.handover() == null) {
            throw new ValidationException("EndpointID", epId, "container " + name + " is not a Docker endpoint",
                    "an endpoint created by CreateEndpoint");
        }
        return c;
    }
}
