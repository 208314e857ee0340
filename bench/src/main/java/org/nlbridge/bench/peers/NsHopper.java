package org.nlbridge.bench.peers;

import java.util.concurrent.Callable;

import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.sys.ErrnoException;
import org.nlbridge.bindings.sys.Sys;
import org.nlbridge.netlink.NlSocket;
import org.nlbridge.netns.NetNs;

/**
 * One dedicated platform thread that hops between network namespaces with {@code setns(2)} to open a netlink socket
 * in each (a socket keeps its namespace for life), and returns to where it started before it ends.
 * {@link NetNs#openSocket} starts a fresh thread per socket, which is the safe default; for hundreds of container
 * namespaces one thread that hops costs a {@code setns} per socket instead of a thread start and join.
 *
 * <p>The scenario runs on this thread from start to end ({@link #run}), so nothing else ever sees a namespace
 * other than the process's own. If the thread cannot return home the process exits: nothing may run on in the
 * wrong namespace.
 */
final class NsHopper {
    private final NetNs home;
    private NetNs current;

    private NsHopper(NetNs home) {
        this.home = home;
        this.current = home;
    }

    /** Runs {@code body} on a new platform thread with a hopper bound to it; rethrows what it threw. */
    static <T> T run(Body<T> body) throws Exception {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofPlatform().name("nlbridge-bench").unstarted(() -> {
            try (NetNs home = NetNs.current()) {
                NsHopper hopper = new NsHopper(home);
                try {
                    result[0] = body.run(hopper);
                } finally {
                    hopper.goHome();
                }
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        if (failure[0] instanceof Exception e) throw e;
        if (failure[0] instanceof Error e) throw e;
        @SuppressWarnings("unchecked")
        T r = (T) result[0];
        return r;
    }

    /** The work done on the hopper's thread. */
    interface Body<T> {
        T run(NsHopper hopper) throws Exception;
    }

    /** Opens a netlink socket inside {@code ns}; the thread stays there until the next hop. */
    NlSocket openSocket(NetNs ns, int protocol) {
        enter(ns);
        return NlSocket.open(protocol);
    }

    /** Runs {@code task} inside {@code ns} (e.g. a sysctl write, which {@code /proc/sys/net} resolves per thread). */
    <T> T inside(NetNs ns, Callable<T> task) throws Exception {
        enter(ns);
        return task.call();
    }

    private void enter(NetNs ns) {
        if (ns == current) return;
        int r = Sys.setns(ns.fd(), LibC.CLONE_NEWNET());
        if (r < 0) throw new ErrnoException("setns(" + ns + ")", -r);
        current = ns;
    }

    /** Back to the namespace the thread started in. */
    void goHome() {
        if (current == home) return;
        int r = Sys.setns(home.fd(), LibC.CLONE_NEWNET());
        if (r < 0) {
            System.err.println("peers-engine: cannot return to the home network namespace: errno " + -r);
            Runtime.getRuntime().halt(70);
        }
        current = home;
    }
}
