package org.nlbridge.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.nlbridge.driver.Step;
import org.nlbridge.driver.Unit;
import org.nlbridge.netlink.BatchResult;
import org.nlbridge.netlink.NoSuchObjectException;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.rtnl.RtnlBatch;
import org.nlbridge.spec.Change;

/**
 * Runs a plan's steps, in order, as {@link Step} says: a {@link Step.Call} by itself; a run of consecutive
 * {@link Step.Netlink} and {@link Step.Sysctl} steps of one namespace in one visit (the host through the engine's
 * own socket; a container's namespace on one dedicated thread with one socket), their requests in one netlink batch
 * that is sent before each sysctl, when a step needs a link the batch creates, and at the end. A refusal is the
 * failure of the step whose request it was; what follows a failure is the step's {@link Unit}'s to say.
 */
final class Executor {
    private final NetNs host;
    private final Rtnl rtnl;
    /** Units begun so far, in order: all are undone if a step of a unit that undoes the request fails. */
    private final List<Unit> begun = new ArrayList<>();
    private final Set<Unit> begunSet = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<ApplyException.Failure> failures = new ArrayList<>();

    private Executor(NetNs host, Rtnl rtnl) {
        this.host = host;
        this.rtnl = rtnl;
    }

    /**
     * Runs {@code steps}; returns the failures of best-effort units (empty: all done). A failure in a unit that
     * undoes the request ({@link Unit#undoesRequest}) undoes every unit begun, last first, runs {@code afterAbort}
     * and is thrown: as it is if it is a {@link org.nlbridge.net.ValidationException} (a check that only the step
     * could make), else as an {@link ApplyException} that says the request was rolled back.
     */
    static List<ApplyException.Failure> run(NetNs host, Rtnl rtnl, List<Step> steps, Engine.ProgressListener progress,
                                            Runnable afterAbort) {
        Executor x = new Executor(host, rtnl);
        Engine.ProgressListener listener = progress == null ? Engine.ProgressListener.NONE : progress;
        int done = 0;
        int i = 0;
        while (i < steps.size()) {
            int j = i + 1;
            if (!(steps.get(i) instanceof Step.Call)) {
                String ns = netns(steps.get(i));
                while (j < steps.size() && !(steps.get(j) instanceof Step.Call) && Objects.equals(netns(steps.get(j)), ns)) j++;
            }
            List<Step> group = steps.subList(i, j);
            RuntimeException[] outcome = x.runGroup(group);
            for (int k = 0; k < group.size(); k++) {
                Step s = group.get(k);
                if (outcome[k] != null && !goneIsDone(s, outcome[k])) {
                    x.fail(s, outcome[k], afterAbort);
                } else {
                    listener.applied(++done, steps.size(), s.change());
                }
            }
            i = j;
        }
        return x.failures;
    }

    private static String netns(Step s) {
        return switch (s) {
            case Step.Netlink n -> n.netns();
            case Step.Sysctl y -> y.netns();
            case Step.Call c -> throw new IllegalArgumentException("a call runs on its own");
        };
    }

    /** Deleting what is gone already is done (teardown is idempotent). */
    private static boolean goneIsDone(Step s, RuntimeException e) {
        return e instanceof NoSuchObjectException && s.change().action() == Change.Action.DELETE;
    }

    private RuntimeException[] runGroup(List<Step> group) {
        RuntimeException[] outcome = new RuntimeException[group.size()];
        for (int k = 0; k < group.size(); k++) {
            Unit u = group.get(k).unit();
            if (begunSet.add(u)) begun.add(u);
        }
        if (group.getFirst() instanceof Step.Call c) {
            if (outcome[0] == null) {
                try {
                    c.run();
                } catch (RuntimeException e) {
                    outcome[0] = e;
                }
            }
            return outcome;
        }
        String ns = netns(group.getFirst());
        if (ns == null) {
            // the engine's socket serves the host from any thread; sysctls are per thread (/proc/sys shows the
            // namespace of the thread that opens it), so a visit that writes some runs on one thread in the host
            if (group.stream().noneMatch(x -> x instanceof Step.Sysctl)) {
                new Visit(rtnl, group, outcome, null).run();
            } else {
                host.call(() -> {
                    new Visit(rtnl, group, outcome, HERE).run();
                    return null;
                });
            }
            return outcome;
        }
        try (NetNs target = NetNs.openRef(ns)) {
            target.call(() -> {
                try (Rtnl inside = Rtnl.current()) {
                    new Visit(inside, group, outcome, IN_CONTAINER).run();
                }
                return null;
            });
        } catch (RuntimeException e) {
            for (int k = 0; k < outcome.length; k++) if (outcome[k] == null) outcome[k] = e; // e.g. no such namespace
        }
        return outcome;
    }

    /** Writes a sysctl of the calling thread's namespace (a visit's thread is inside it). */
    private static void writeSysctlHere(String key, String value) {
        try {
            Files.writeString(Path.of("/proc/sys", key), value, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set sysctl " + key.replace('/', '.') + "=" + value + ": " + e.getMessage(), e);
        }
    }

    /** A sysctl of the calling thread's namespace, or null if it cannot be read (an interface not made yet). */
    private static String readSysctlHere(String key) {
        try {
            return Files.readString(Path.of("/proc/sys", key), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return null;
        }
    }

    /** The host's sysctls, from a thread inside it: read (what an undo puts back) and written. */
    private static final SysctlWriter HERE = new SysctlWriter() {
        @Override
        public String read(String key) {
            return readSysctlHere(key);
        }

        @Override
        public void write(String key, String value) {
            writeSysctlHere(key, value);
        }
    };

    /** A container's sysctls: written, not kept for an undo (they go with its interface or its namespace). */
    private static final SysctlWriter IN_CONTAINER = new SysctlWriter() {
        @Override
        public String read(String key) {
            return null;
        }

        @Override
        public void write(String key, String value) {
            writeSysctlHere(key, value);
        }
    };

    private void fail(Step s, RuntimeException e, Runnable afterAbort) {
        Unit u = s.unit();
        if (u.undoesRequest()) {
            List<String> errors = new ArrayList<>();
            for (Unit a : begun.reversed()) {
                List<String> own = new ArrayList<>();
                a.undo().undo(own);
                own.forEach(x -> errors.add("undoing " + a.name() + ": " + x));
            }
            try {
                afterAbort.run();
            } catch (RuntimeException x) {
                errors.add("afterwards: " + x.getMessage());
            }
            if (e instanceof org.nlbridge.net.ValidationException) {
                errors.forEach(x -> e.addSuppressed(new IllegalStateException(x)));
                throw e;
            }
            List<ApplyException.Failure> all = new ArrayList<>();
            all.add(new ApplyException.Failure(u.name(), s.change(), e));
            all.addAll(failures);
            errors.forEach(x -> all.add(new ApplyException.Failure(u.name(), null, new IllegalStateException(x))));
            throw new ApplyException(all, true);
        }
        failures.add(new ApplyException.Failure(u.name(), s.change(), e));
    }

    /** The sysctls of the namespace a visit is in. */
    private interface SysctlWriter {
        /** The value now, or null where it is not kept for an undo (a container's: it goes with its interface). */
        String read(String key);

        void write(String key, String value);
    }

    /** Puts a host sysctl back as it was before the request (ip_forward, a bridge's accept_ra...). */
    private void restore(Step.Sysctl s, String old, List<String> errors) {
        try {
            host.writeSysctl(s.key(), old);
        } catch (RuntimeException gone) {
            // an interface's key vanishes with the interface, which the unit's undo deleted: nothing to restore
            if (!s.key().contains("/conf/") || s.key().contains("/conf/all/") || s.key().contains("/conf/default/")) {
                errors.add("sysctl " + s.key().replace('/', '.') + " back to " + old + ": " + gone.getMessage());
            }
        }
    }

    /** One namespace's run of steps: one socket, one batch sent whenever a later step needs the earlier ones done. */
    private final class Visit implements Step.Requests {
        private final Rtnl rtnl;
        private final RtnlBatch batch;
        private final List<Step> steps;
        private final RuntimeException[] outcome;
        private final SysctlWriter sysctls;
        private final Map<String, Integer> indexes = new HashMap<>();
        /** Closed when the visit ends: a request may carry a namespace's fd until it is sent. */
        private final List<AutoCloseable> kept = new ArrayList<>();
        /** The step each queued request belongs to, by request index since the last send. */
        private int[] owner = new int[16];

        Visit(Rtnl rtnl, List<Step> steps, RuntimeException[] outcome, SysctlWriter sysctls) {
            this.rtnl = rtnl;
            this.batch = rtnl.batch();
            this.steps = steps;
            this.outcome = outcome;
            this.sysctls = sysctls;
        }

        void run() {
            try {
                for (int k = 0; k < steps.size(); k++) {
                    if (outcome[k] != null) continue;
                    switch (steps.get(k)) {
                        case Step.Sysctl s -> {
                            send();
                            try {
                                String old = sysctls.read(s.key());
                                sysctls.write(s.key(), s.value());
                                if (old != null && !old.equals(s.value())) {
                                    s.unit().onUndo(errors -> restore(s, old, errors));
                                }
                            } catch (RuntimeException e) {
                                outcome[k] = e;
                            }
                        }
                        case Step.Netlink n -> queue(k, n);
                        case Step.Call c -> throw new IllegalStateException("a call in a visit: " + c.change());
                    }
                }
                send();
            } finally {
                release();
            }
        }

        private void queue(int k, Step.Netlink n) {
            int from = batch.size();
            try {
                n.queue(this);
            } catch (RuntimeException e) {
                outcome[k] = e;
            }
            int to = batch.size();
            if (owner.length < to) owner = Arrays.copyOf(owner, Math.max(to, 2 * owner.length));
            Arrays.fill(owner, from, to, k);
        }

        /** Sends what is queued; each refusal becomes its step's outcome (the first one, if it has several). */
        private void send() {
            if (batch.size() == 0) return;
            BatchResult r = batch.execute();
            for (int i = 0; i < r.failures().size(); i++) {
                int k = owner[batch.origin(r.failedRequest(i))];
                if (outcome[k] == null) outcome[k] = r.failures().get(i);
            }
        }

        private void release() {
            for (AutoCloseable c : kept) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // a namespace handle: closing cannot fail in a way that matters here
                }
            }
            kept.clear();
        }

        @Override
        public RtnlBatch batch() {
            return batch;
        }

        @Override
        public int index(String link) {
            Integer known = indexes.get(link);
            if (known != null) return known;
            int index;
            try {
                index = rtnl.links().get(link).index();
            } catch (NoSuchObjectException notYet) {
                if (batch.size() == 0) throw notYet;
                send(); // a request queued before may be what creates it
                index = rtnl.links().get(link).index();
            }
            indexes.put(link, index);
            return index;
        }

        @Override
        public <T extends AutoCloseable> T keep(T resource) {
            kept.add(Objects.requireNonNull(resource, "resource"));
            return resource;
        }
    }
}
