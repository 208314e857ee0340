package org.nlbridge.dockerplugin;

import java.util.function.Function;

import org.nlbridge.driver.ipam.AddressPools;
import org.nlbridge.spec.DesiredState;

/**
 * What the plugin needs from the daemon that serves it: the daemon's desired state, read and edited one operation at a
 * time on the daemon's engine thread. An edit that the engine refuses leaves the desired state as it was, so every
 * Docker call either happens whole or not at all.
 */
public interface Backend {

    /** The result of an edit: the desired state to converge to (null: change nothing) and what to answer. */
    record Edit<T>(DesiredState next, T answer) {
        static <T> Edit<T> none(T answer) {
            return new Edit<>(null, answer);
        }
    }

    /**
     * Runs {@code edit} against the current desired state and converges to what it returns, as one logical
     * operation reported as {@code action object} in the daemon's events; the edit's exception (a refusal) is thrown
     * as it is, and so is the engine's.
     *
     * @param peer who asked (dockerd's connection), for the events
     */
    <T> T change(String action, String object, String peer, Function<DesiredState, Edit<T>> edit);

    /** Runs {@code query} against the current desired state (in order with the changes). */
    <T> T read(Function<DesiredState, T> query);

    /** Runs {@code op} on the engine's address pools (in order with the changes), for the IPAM driver. */
    <T> T pools(String what, Function<AddressPools, T> op);
}
