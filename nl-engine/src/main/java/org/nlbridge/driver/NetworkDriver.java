package org.nlbridge.driver;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.driver.ipam.EndpointRequest;
import org.nlbridge.net.IfName;
import org.nlbridge.net.PortMapping;
import org.nlbridge.rtnl.Link;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;

/**
 * A kind of network (Docker's {@code --driver}): how a network and its endpoints are made in the kernel. The engine
 * above it owns the desired state, the state store, the journal, the apply order, container records, namespaces
 * and files; a driver turns one network or a batch of endpoints into {@link Step}s and never touches the store
 * except through the IPAM it is given. Chosen by name from {@link NetworkSpec#driver()}; see {@link NetworkDrivers}.
 *
 * <p>Every method that returns steps changes nothing: it looks at the kernel and returns what would converge it,
 * and the engine prints or runs exactly those steps. A driver may own links of any kind; each it creates carries
 * an alias starting with {@link #ALIAS_PREFIX}, so that reconcile can remove those no network or
 * endpoint owns.
 */
public interface NetworkDriver {

    /** Prefix of the alias ({@code IFLA_IFALIAS}) on every link a driver creates: how reconcile recognises ours. */
    String ALIAS_PREFIX = "nlbridge:";

    /** Opens a driver for one engine (one host namespace). */
    @FunctionalInterface
    interface Factory {
        NetworkDriver open(DriverContext context);
    }

    /**
     * Validates a spec against the host (its bridge, addresses, MTU) and resolves its defaults into what the store
     * keeps. Touches nothing; a bad spec throws {@link org.nlbridge.net.ValidationException}. {@code leaving} names
     * the stored networks this apply removes first (their links may be taken over).
     */
    Network resolve(NetworkSpec spec, Set<String> leaving);

    /** One line for the plan: what the network is, e.g. {@code bridge docker0, 172.17.0.1/16, mtu 1500}. */
    String describe(Network network);

    /** The host end of a container's link on this network (named from the two names, so a plan can say it). */
    IfName hostLink(Network network, String container);

    /** The steps that make or repair a stored network's kernel objects (none when they match). */
    List<Step> ensure(Network network, Unit unit);

    /** The steps that remove a network's kernel objects (never what the network only uses, like a given bridge). */
    List<Step> remove(Network network, Unit unit);

    /**
     * The steps that attach a batch of endpoints, each step in its attachment's unit. The engine journals each
     * attachment before these steps run (so {@link Attachment#endpoint()} is there) and marks it attached after its
     * last step; requests of one kind for several endpoints should be consecutive steps, so they share a batch.
     */
    List<Step> attach(List<Attachment> batch);

    /** Undoes whatever an attach of {@code endpoint} may have made; idempotent, best effort, reports in {@code errors}. */
    void undoAttach(Network network, Endpoint endpoint, List<String> errors);

    /** The steps that detach endpoints of one network (journalled as detaching before they run), in {@code units}. */
    List<Step> detach(Network network, List<Endpoint> endpoints, Function<Endpoint, Unit> units);

    /**
     * The steps that give an attached endpoint the container's default route, or take it away ({@code on} false):
     * the default route moving between a container's networks without re-making either.
     */
    List<Step> defaultRoute(Network network, Endpoint endpoint, boolean on, Unit unit);

    /** Forwards exactly {@code ports} to an attached endpoint (published ports changed in place). */
    void publish(Network network, Endpoint endpoint, List<PortMapping> ports);

    /**
     * The steps that repair an attached endpoint whose host side is {@link #intact} but whose inside lost something
     * to someone else (a default route deleted in the container, its interface down, an address gone): read from the
     * kernel, nothing changed; none when it is whole. A driver that keeps nothing inside returns none.
     */
    default List<Step> repair(Network network, Endpoint endpoint, Unit unit) {
        return List.of();
    }

    /** Whether an attached endpoint is still whole in the kernel ({@code hostLinks}: the host's links by name). */
    boolean intact(Network network, Endpoint endpoint, Map<String, Link> hostLinks);

    /** The host links a network and its endpoints own or use, by name, each with what it is for. */
    Map<String, String> links(Network network, List<Endpoint> endpoints);

    /** The network's part of the desired firewall state (for reconcile), its endpoints' published ports included. */
    FirewallState firewall(Network network, List<Endpoint> endpoints, Function<Endpoint, List<PortMapping>> ports);

    /**
     * Called by the step that journals an endpoint, just before: what the engine's own IPAM cannot choose alone (an
     * address claimed in a cluster-wide store) is fixed here, by returning the request with it. A refusal fails the
     * endpoint before anything of it exists. The default changes nothing.
     */
    default EndpointRequest reserve(Network network, EndpointRequest request) {
        return request;
    }

    /** Gives back what {@link #reserve} took when the endpoint could not be journalled after all; best effort. */
    default void unreserve(Network network, EndpointRequest reserved) {
    }

    /**
     * The engine holds {@code network} with these {@code endpoints} (called when the engine opens and after every
     * reconcile): a driver with state outside the host, such as a cluster store, makes that agree with them. It must
     * not throw because the outside is unreachable (it catches up later). The default does nothing.
     */
    default void adopt(Network network, List<Endpoint> endpoints) {
    }

    /** What the network looks like from the rest of a cluster (for status), or null for a network of this host only. */
    default Peers peers(Network network) {
        return null;
    }

    /** Releases what the driver holds beyond the engine's objects (threads, connections); the kernel stays as it is. */
    default void close() {
    }
}
