package org.nlbridge.driver;

import java.util.Objects;
import java.util.function.Consumer;

import org.nlbridge.rtnl.RtnlBatch;
import org.nlbridge.spec.Change;

/**
 * One unit of change, the only way an apply changes anything: {@code plan} prints each step's {@link #change()},
 * {@code apply} runs the same list of steps in the same order, so what a plan shows and what an apply does cannot
 * drift apart (Terraform's guarantee, here by construction).
 *
 * <p>Three kinds, so that steps of one kind can run together:
 * <ul>
 *   <li>{@link Call}: runs on its own (the state store, files, namespaces, an nf_tables transaction).</li>
 *   <li>{@link Netlink}: rtnetlink requests in one namespace, queued into that namespace's batch.</li>
 *   <li>{@link Sysctl}: one sysctl of one namespace.</li>
 * </ul>
 * Consecutive {@code Netlink} and {@code Sysctl} steps of one namespace run in one visit: one socket, one thread
 * inside a container's namespace, their requests in one netlink batch (an apply's host-side veths all go in one
 * batch because they are consecutive steps of the host namespace).
 *
 * <p>Every step belongs to a {@link Unit}, which says what a failure of the step means for the steps after it.
 */
public sealed interface Step permits Step.Call, Step.Netlink, Step.Sysctl {

    /** What {@code plan} prints for this step, and {@code apply} reports as done. */
    Change change();

    /** The unit the step belongs to: a container's endpoint, a network, a container's files. */
    Unit unit();

    /** A step that runs by itself. */
    non-sealed interface Call extends Step {
        void run();
    }

    /** rtnetlink requests in one namespace, sent in that namespace's batch together with its neighbours'. */
    non-sealed interface Netlink extends Step {
        /** The namespace: null for the engine's host namespace, else a name under {@code /run/netns}. */
        String netns();

        /** Queues the step's requests (a refusal of any of them is the step's failure). */
        void queue(Requests requests);
    }

    /**
     * One sysctl of one namespace, e.g. {@code net/ipv4/conf/eth0/arp_notify} = {@code 1} (slash-separated, so
     * interface names with dots stay unambiguous).
     *
     * @param netns null for the engine's host namespace, else a name under {@code /run/netns}
     */
    record Sysctl(Change change, Unit unit, String netns, String key, String value) implements Step {
        public Sysctl {
            Objects.requireNonNull(change, "change");
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /** What a {@link Netlink} step queues into, for the length of one visit of its namespace. */
    interface Requests {
        /** The namespace's batch. */
        RtnlBatch batch();

        /** The ifindex of a link of the namespace, also of one that a request queued earlier in this visit creates. */
        int index(String link);

        /** Keeps {@code resource} (e.g. the namespace a veth's peer goes to) open until the queued requests are sent. */
        <T extends AutoCloseable> T keep(T resource);
    }

    /** A {@link Call} step. */
    static Call call(Change change, Unit unit, Runnable run) {
        Objects.requireNonNull(run, "run");
        record Run(Change change, Unit unit, Runnable body) implements Call {
            @Override
            public void run() {
                body.run();
            }
        }
        return new Run(Objects.requireNonNull(change, "change"), Objects.requireNonNull(unit, "unit"), run);
    }

    /** A {@link Netlink} step in {@code netns} (null: the host). */
    static Netlink netlink(Change change, Unit unit, String netns, Consumer<Requests> queue) {
        Objects.requireNonNull(queue, "queue");
        record Queue(Change change, Unit unit, String netns, Consumer<Requests> body) implements Netlink {
            @Override
            public void queue(Requests requests) {
                body.accept(requests);
            }
        }
        return new Queue(Objects.requireNonNull(change, "change"), Objects.requireNonNull(unit, "unit"), netns, queue);
    }

    /**
     * Sets a sysctl: {@code ~ sysctl net.ipv4.ip_forward (1)} for the host, {@code ~ sysctl
     * web:net.ipv4.conf.eth0.arp_notify (1)} in a container's namespace.
     */
    static Sysctl sysctl(Unit unit, String netns, String key, String value) {
        String dotted = key.replace('/', '.');
        return new Sysctl(new Change(Change.Action.UPDATE, "sysctl", netns == null ? dotted : netns + ":" + dotted,
                value), unit, netns, key, value);
    }
}
