package org.nlbridge.resolver;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.SafeName;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netns.NetNs;

/**
 * One container's name server: where it listens (127.0.0.11:53 inside the container's namespace, as Docker's
 * embedded DNS), which networks' names it answers (in order: the first network that knows a name answers it), and
 * where it forwards the rest. Immutable; {@link DnsServer#update} swaps a new one in for the same key.
 *
 * @param key        a stable identifier of the container (its netns name suits: it survives a rename)
 * @param netns      the namespace to listen in, or null for the caller's own (tests without root)
 * @param address    the address to listen on, 127.0.0.11 by default
 * @param port       the port, 53 by default (UDP and TCP)
 * @param networks   names of the networks whose tables answer, primary first
 * @param upstreams  servers to forward other names to, tried in order (at most {@link DnsServerOptions#maxUpstreams})
 * @param internal   forward nothing: names the tables do not know get SERVFAIL, as Docker answers when the servers
 *                   of an {@code --internal} network cannot be reached; set it when every network of the container
 *                   is internal, so no query leaves an internal network through the host
 * @param ndotsSet   the container's resolv.conf sets {@code ndots} itself: a single-label A/AAAA name the tables do not
 *                   know is answered empty, not forwarded, so the client goes on with its search domains (Docker)
 */
public record ListenerSpec(String key, NetNs netns, Ipv4Address address, int port, List<String> networks,
                           List<Upstream> upstreams, boolean internal, boolean ndotsSet) {

    /** Docker's address for the embedded name server. */
    public static final Ipv4Address DOCKER_ADDRESS = Ipv4Address.of(0x7F00000B);

    public ListenerSpec {
        SafeName.check("listener key", key);
        Objects.requireNonNull(address, "address");
        if (!address.isLoopback()) {
            // only a loopback address keeps the server private to the container (and needs no address of its own)
            throw new ValidationException("listen address", address.toString(), "not a loopback address",
                    "an address in 127.0.0.0/8, like 127.0.0.11");
        }
        if (port < 1 || port > 65535) {
            throw new ValidationException("listen port", Integer.toString(port), "outside 1..65535", "a port 1..65535");
        }
        networks = List.copyOf(networks);
        networks.forEach(n -> SafeName.check("network", n));
        upstreams = List.copyOf(upstreams);
    }

    public static Builder builder(String key) {
        return new Builder(key);
    }

    /** A builder holding this spec's values, for a changed copy (another network, other upstreams). */
    public Builder toBuilder() {
        Builder b = new Builder(key).netns(netns).listen(address, port).internal(internal).ndotsSet(ndotsSet);
        b.networks.addAll(networks);
        b.upstreams.addAll(upstreams);
        return b;
    }

    /** Same address and port: an update keeps the sockets (the namespace is the one they were opened in). */
    boolean sameSocket(ListenerSpec other) {
        return address.equals(other.address) && port == other.port;
    }

    public static final class Builder {
        private final String key;
        private NetNs netns;
        private Ipv4Address address = DOCKER_ADDRESS;
        private int port = 53;
        private final List<String> networks = new ArrayList<>();
        private final List<Upstream> upstreams = new ArrayList<>();
        private boolean internal;
        private boolean ndotsSet;

        private Builder(String key) {
            this.key = key;
        }

        /** The container's namespace; the handle must stay open until {@link DnsServer#attach} returns. */
        public Builder netns(NetNs ns) {
            this.netns = ns;
            return this;
        }

        public Builder listen(Ipv4Address address, int port) {
            this.address = address;
            this.port = port;
            return this;
        }

        public Builder network(String name) {
            networks.add(name);
            return this;
        }

        public Builder networks(List<String> names) {
            networks.clear();
            networks.addAll(names);
            return this;
        }

        public Builder upstreams(List<Upstream> servers) {
            upstreams.clear();
            upstreams.addAll(servers);
            return this;
        }

        public Builder internal(boolean value) {
            this.internal = value;
            return this;
        }

        public Builder ndotsSet(boolean value) {
            this.ndotsSet = value;
            return this;
        }

        public ListenerSpec build() {
            return new ListenerSpec(key, netns, address, port, networks, upstreams, internal, ndotsSet);
        }
    }
}
