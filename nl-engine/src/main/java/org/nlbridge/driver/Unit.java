package org.nlbridge.driver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Steps that stand or fall together: one network's creation, one container's endpoint, one container's removal.
 * A request (an apply, a destroy) is all or nothing: when a step of an {@link OnFailure#ABORT} or
 * {@link OnFailure#ROLLBACK} unit fails, the request stops and every unit it has begun is undone, in reverse, so
 * that nothing of the request is left applied; the failure is then thrown. When a step of an
 * {@link OnFailure#CONTINUE} (best-effort) unit fails, the failure is reported and everything carries on, the unit's
 * own later steps too (teardown is best effort and reports every failure); such a unit is still undone if the
 * request is undone later (a container detached by a request that then fails is attached again).
 *
 * <p>What undoes a unit is a property of the unit: the undo given when it is made, plus what its steps register
 * while they run ({@link #onUndo}: "I created X, delete it"; "the record was Y, put it back"), run in reverse order
 * of registration, before the undo it was made with. Undo actions are idempotent and best effort: they collect
 * their own failures.
 */
public final class Unit {

    /**
     * See the class comment. {@code ROLLBACK} is {@code ABORT} by another name (it once undid its own unit only;
     * a request is now undone as a whole); {@code CONTINUE} is best effort.
     */
    public enum OnFailure { ABORT, ROLLBACK, CONTINUE }

    /** Undoes what a unit may have done; idempotent, best effort: collects its own failures. */
    @FunctionalInterface
    public interface Undo {
        Undo NOTHING = errors -> { };

        void undo(List<String> errors);
    }

    private final String name;
    private final OnFailure onFailure;
    private final Undo undo;
    /** What steps of this unit registered as they ran, in order. */
    private final List<Undo> log = new ArrayList<>();

    private Unit(String name, OnFailure onFailure, Undo undo) {
        this.name = Objects.requireNonNull(name, "name");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
        this.undo = Objects.requireNonNull(undo, "undo");
    }

    /** A unit whose failure undoes the whole request ({@code undo} and the units begun before it). */
    public static Unit abort(String name, Undo undo) {
        return new Unit(name, OnFailure.ABORT, undo);
    }

    /** The same as {@link #abort}: a failure undoes the whole request. */
    public static Unit rollback(String name, Undo undo) {
        return new Unit(name, OnFailure.ROLLBACK, undo);
    }

    /** A best-effort unit: a failure is reported and nothing is skipped; undone only if the request is. */
    public static Unit bestEffort(String name) {
        return new Unit(name, OnFailure.CONTINUE, Undo.NOTHING);
    }

    /** A best-effort unit that {@code undo} reverts if the request is undone (a detach: attach again). */
    public static Unit bestEffort(String name, Undo undo) {
        return new Unit(name, OnFailure.CONTINUE, undo);
    }

    /** What failures are reported as: {@code container web}, {@code network bridge}. */
    public String name() {
        return name;
    }

    public OnFailure onFailure() {
        return onFailure;
    }

    /** Whether a failure of this unit undoes the request. */
    public boolean undoesRequest() {
        return onFailure != OnFailure.CONTINUE;
    }

    /**
     * Registers what reverts a change a step of this unit has just made, to run if the request is undone. Called by
     * steps as they run (also from a namespace visit's thread, hence synchronized).
     */
    public synchronized void onUndo(Undo action) {
        log.add(Objects.requireNonNull(action, "action"));
    }

    /** The unit's undo: what its steps registered, last first, then the undo it was made with. */
    public Undo undo() {
        return errors -> {
            List<Undo> actions;
            synchronized (this) {
                actions = new ArrayList<>(log);
                log.clear();
            }
            for (Undo u : actions.reversed()) {
                try {
                    u.undo(errors);
                } catch (RuntimeException e) {
                    errors.add(e.getMessage() == null ? e.toString() : e.getMessage());
                }
            }
            undo.undo(errors);
        };
    }

    @Override
    public String toString() {
        return name + " (" + onFailure.name().toLowerCase(Locale.ROOT) + ")";
    }
}
