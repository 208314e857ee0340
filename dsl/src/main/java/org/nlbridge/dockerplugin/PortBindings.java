package org.nlbridge.dockerplugin;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.net.PortMapping;
import org.nlbridge.net.PortSpec;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;

/**
 * Docker's port map ({@code com.docker.network.portmap}: {@code -p}, {@code -P}) to nlbridge's published ports and
 * back. dockerd sends one binding per container port: {@code {"Proto":6,"Port":80,"HostIP":"","HostPort":8080,
 * "HostPortEnd":8080}}; a {@code -p 20000-20999:20000-20999} range arrives as 1,000 of them. A binding without a host
 * port ({@code -P}, {@code -p 80}) gets a free one from Docker's dynamic range {@value #DYNAMIC_FIRST}-{@value
 * #DYNAMIC_LAST}, a host range with one container port ({@code -p 8000-8010:80}) the first free one of the range,
 * as Docker's bridge driver does. Consecutive bindings are kept as one range, so the range above is one entry of the
 * desired state and one line of {@code nlbridge status}.
 */
final class PortBindings {
    private PortBindings() {}

    static final String PORTMAP = "com.docker.network.portmap";
    static final String EXPOSED = "com.docker.network.endpoint.exposedports";
    static final int DYNAMIC_FIRST = 49153;
    static final int DYNAMIC_LAST = 65535;
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int SCTP = 132;

    /** One binding as dockerd asks for it; {@code hostFirst} 0: any free port. */
    record Wanted(IpProtocol protocol, IpAddress hostIp, int containerPort, int hostFirst, int hostLast) {
        boolean fixed() {
            return hostFirst != 0 && hostFirst == hostLast;
        }
    }

    /** Reads a port map option; absent: none. Every problem names the binding and what is accepted. */
    static List<Wanted> read(DockerJson options) {
        List<Wanted> out = new ArrayList<>();
        for (DockerJson b : options.objects(PORTMAP)) {
            IpProtocol proto = protocol(b);
            int port = b.integer("Port", PortSpec.MAX_PORT);
            if (port == 0) throw new ValidationException(b.what() + ": Port", "0", "no container port", "1.." + PortSpec.MAX_PORT);
            String host = b.text("HostIP");
            IpAddress hostIp = host.isEmpty() ? null : IpAddress.parse(b.what() + ": HostIP", host);
            int first = b.integer("HostPort", PortSpec.MAX_PORT);
            int last = b.integer("HostPortEnd", PortSpec.MAX_PORT);
            if (first == 0 && last != 0) first = last;
            if (last == 0) last = first;
            if (last < first) {
                throw new ValidationException(b.what() + ": HostPortEnd", Integer.toString(last), "below HostPort " + first,
                        "a host port range first-last with first <= last");
            }
            out.add(new Wanted(proto, hostIp, port, first, last));
        }
        return out;
    }

    private static IpProtocol protocol(DockerJson b) {
        int p = b.integer("Proto", 255);
        return switch (p) {
            case TCP -> IpProtocol.TCP;
            case UDP -> IpProtocol.UDP;
            case SCTP -> throw new ValidationException("-p", "sctp", "nlbridge publishes tcp and udp ports", "tcp or udp");
            default -> throw new ValidationException(b.what() + ": Proto", Integer.toString(p), "not a protocol Docker"
                    + " publishes", "6 (tcp) or 17 (udp)");
        };
    }

    /**
     * The published ports for {@code wanted}, with host ports picked where dockerd left them open: free means not
     * published by any other container of {@code desired} (nor by an earlier binding of this one) for the same
     * protocol and an overlapping host address, the rule {@link DesiredState} checks.
     */
    static List<PortSpec> resolve(List<Wanted> wanted, DesiredState desired, String self) {
        List<PortMapping> taken = new ArrayList<>();
        for (ContainerSpec c : desired.containers()) {
            if (c.name().equals(self)) continue;
            for (PortSpec p : c.publish()) taken.addAll(p.mappings());
        }
        List<PortMapping> chosen = new ArrayList<>();
        for (Wanted w : wanted) {
            int first = w.hostFirst() == 0 ? DYNAMIC_FIRST : w.hostFirst();
            int last = w.hostFirst() == 0 ? DYNAMIC_LAST : w.hostLast();
            int port = -1;
            for (int p = first; p <= last && port < 0; p++) {
                if (w.fixed() || free(w.protocol(), w.hostIp(), p, taken, chosen)) port = p;
            }
            if (port < 0) {
                throw new ValidationException("-p", describe(w), "every host port of " + first + "-" + last
                        + " is published already", "a free host port");
            }
            chosen.add(new PortMapping(w.protocol(), w.hostIp(), port, w.containerPort()));
        }
        return coalesce(chosen);
    }

    private static boolean free(IpProtocol proto, IpAddress ip, int port, List<PortMapping> taken, List<PortMapping> chosen) {
        for (List<PortMapping> l : List.of(taken, chosen)) {
            for (PortMapping m : l) {
                if (m.protocol() == proto && m.hostPort() == port
                        && (m.hostIp() == null || ip == null || m.hostIp().equals(ip))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String describe(Wanted w) {
        String ip = w.hostIp() == null ? "" : w.hostIp() + ":";
        String host = w.hostFirst() == 0 ? "" : w.hostFirst() == w.hostLast() ? Integer.toString(w.hostFirst())
                : w.hostFirst() + "-" + w.hostLast();
        return ip + host + ":" + w.containerPort() + "/" + w.protocol().toString().toLowerCase(java.util.Locale.ROOT);
    }

    /** Runs of consecutive host and container ports (same protocol and host address) as one range each. */
    static List<PortSpec> coalesce(List<PortMapping> mappings) {
        List<PortSpec> out = new ArrayList<>();
        int i = 0;
        while (i < mappings.size()) {
            PortMapping start = mappings.get(i);
            int n = 1;
            while (i + n < mappings.size()) {
                PortMapping next = mappings.get(i + n);
                if (next.protocol() != start.protocol() || !Objects.equals(next.hostIp(), start.hostIp())
                        || next.hostPort() != start.hostPort() + n || next.containerPort() != start.containerPort() + n) {
                    break;
                }
                n++;
            }
            out.add(PortSpec.of(start.protocol(), start.hostIp(), start.hostPort(), start.hostPort() + n - 1,
                    start.containerPort(), start.containerPort() + n - 1));
            i += n;
        }
        return out;
    }

    /** Docker's port map of what is published, one binding per port, as its bridge driver reports it. */
    static ArrayNode toDocker(List<PortSpec> published, IpAddress containerIp) {
        ArrayNode a = DockerJson.F.arrayNode();
        for (PortSpec p : published) {
            for (PortMapping m : p.mappings()) {
                ObjectNode b = a.addObject();
                b.put("Proto", m.protocol() == IpProtocol.TCP ? TCP : UDP);
                b.put("IP", containerIp == null ? "" : containerIp.toString());
                b.put("Port", m.containerPort());
                b.put("HostIP", m.hostIp() == null ? "" : m.hostIp().toString());
                b.put("HostPort", m.hostPort());
                b.put("HostPortEnd", m.hostPort());
            }
        }
        return a;
    }

    /** The exposed ports ({@code com.docker.network.endpoint.exposedports}) of what is published. */
    static ArrayNode exposed(List<PortSpec> published) {
        ArrayNode a = DockerJson.F.arrayNode();
        for (PortSpec p : published) {
            for (PortMapping m : p.mappings()) {
                ObjectNode t = a.addObject();
                t.put("Proto", m.protocol() == IpProtocol.TCP ? TCP : UDP);
                t.put("Port", m.containerPort());
            }
        }
        return a;
    }
}
