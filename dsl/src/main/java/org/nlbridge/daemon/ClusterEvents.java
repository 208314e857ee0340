package org.nlbridge.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.nlbridge.cluster.ClusterEvent;

/**
 * The engine's cluster events ({@code peer}, {@code cluster}) into the daemon's event stream. The engine opens, and
 * may connect to the store, before the daemon exists: events until then are kept (at most {@value #KEEP}) and
 * published when it does. When the store becomes reachable again, the daemon converges to its desired state at once,
 * whatever backoff failed repairs during the outage had reached (a container whose attach failed is attached now).
 */
final class ClusterEvents implements Consumer<ClusterEvent> {
    static final int KEEP = 1024;

    private final List<ClusterEvent> early = new ArrayList<>();
    private Daemon daemon;

    synchronized void deliverTo(Daemon d) {
        daemon = d;
        early.forEach(this::publish);
        early.clear();
    }

    @Override
    public synchronized void accept(ClusterEvent e) {
        if (daemon == null) {
            if (early.size() < KEEP) early.add(e);
            return;
        }
        publish(e);
    }

    private void publish(ClusterEvent e) {
        daemon.events().publish(e.type(), e.action(), e.object(), e.detail());
        if (e.type().equals("cluster") && e.action().equals("connected")) {
            daemon.drift().triggerAfterRecovery(new DriftRepair.Trigger("the cluster store is reachable: converging to the desired"
                    + " state", null, false, true));
        }
    }
}
