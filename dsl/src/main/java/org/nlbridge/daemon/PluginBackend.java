package org.nlbridge.daemon;

import java.util.function.Function;

import org.nlbridge.dockerplugin.Backend;
import org.nlbridge.driver.ipam.AddressPools;
import org.nlbridge.engine.Engine;
import org.nlbridge.spec.DesiredState;

/** The Docker plugin's view of the daemon: its desired state, edited on the engine thread like any API request. */
final class PluginBackend implements Backend {
    private final Daemon daemon;

    PluginBackend(Daemon daemon) {
        this.daemon = daemon;
    }

    @Override
    public <T> T change(String action, String object, String peer, Function<DesiredState, Edit<T>> edit) {
        return daemon.onEngine(action + " " + object, () -> {
            DesiredState now = daemon.desiredOrEmpty();
            Edit<T> e = edit.apply(now);
            if (e.next() != null && !e.next().equals(now)) {
                daemon.applyDesired(action, object, peer, e.next(), Engine.ProgressListener.NONE, Daemon.OnFailure.REVERT);
            }
            return e.answer();
        });
    }

    @Override
    public <T> T read(Function<DesiredState, T> query) {
        return daemon.onEngine("read", () -> query.apply(daemon.desiredOrEmpty()));
    }

    @Override
    public <T> T pools(String what, Function<AddressPools, T> op) {
        return daemon.onEngine(what, () -> op.apply(daemon.engine().addressPools()));
    }
}
