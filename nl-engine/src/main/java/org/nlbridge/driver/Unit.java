package org.nlbridge.driver;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Steps that stand or fall together: one network's creation, one container's endpoint, one container's removal.
 * When a step fails, its unit says what follows:
 * <ul>
 *   <li>{@link OnFailure#ABORT}: the apply stops; this unit and every other aborting unit begun so far are undone, in
 *       reverse, and the failure is thrown as it is (a network that cannot be set up leaves nothing behind).</li>
 *   <li>{@link OnFailure#ROLLBACK}: the unit's later steps are skipped and the unit is undone; the failure is
 *       reported and the other units carry on (one bad container does not stop the others).</li>
 *   <li>{@link OnFailure#CONTINUE}: the failure is reported and everything carries on, the unit's own later steps
 *       too (teardown is best effort and reports every failure).</li>
 * </ul>
 * An apply that finished with reported failures throws them together at the end.
 */
public final class Unit {

    /** See the class comment. */
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

    private Unit(String name, OnFailure onFailure, Undo undo) {
        this.name = Objects.requireNonNull(name, "name");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
        this.undo = Objects.requireNonNull(undo, "undo");
    }

    /** A unit whose failure stops the whole apply after {@code undo} (and that of the aborting units before it). */
    public static Unit abort(String name, Undo undo) {
        return new Unit(name, OnFailure.ABORT, undo);
    }

    /** A unit whose failure skips its later steps and runs {@code undo}; the others carry on. */
    public static Unit rollback(String name, Undo undo) {
        return new Unit(name, OnFailure.ROLLBACK, undo);
    }

    /** A best-effort unit: a failure is reported and nothing is skipped or undone. */
    public static Unit bestEffort(String name) {
        return new Unit(name, OnFailure.CONTINUE, Undo.NOTHING);
    }

    /** What failures are reported as: {@code container web}, {@code network bridge}. */
    public String name() {
        return name;
    }

    public OnFailure onFailure() {
        return onFailure;
    }

    public Undo undo() {
        return undo;
    }

    @Override
    public String toString() {
        return name + " (" + onFailure.name().toLowerCase(Locale.ROOT) + ")";
    }
}
