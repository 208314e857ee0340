package org.nlbridge.state;

import java.util.Locale;

/**
 * Where an endpoint is in the intent journal. rtnetlink is not transactional, so the driver records what
 * it is about to do before doing it: a crash leaves the endpoint in {@link #ATTACHING} or
 * {@link #DETACHING}, and reconcile on start tears such endpoints down and deletes them.
 *
 * <pre>
 *   (insert) ─► ATTACHING ─► ATTACHED ─► DETACHING ─► (delete)
 *                   │                        ▲
 *                   ├────────────────────────┘   reconcile claims a stuck attach for its teardown
 *                   └─► (delete)                 a failed attach, released after its rollback
 * </pre>
 * An endpoint is deleted only from an in-flight phase: an ATTACHED one must be marked DETACHING before
 * its teardown starts, so that a crash during the teardown is visible to reconcile.
 */
public enum Phase {
    /** Written before the first syscall of an attach; the address is already taken. */
    ATTACHING,
    /** The kernel side is complete. */
    ATTACHED,
    /** Written before the first syscall of a teardown. */
    DETACHING;

    /** The journal's edges: see the class comment. */
    public boolean canMoveTo(Phase next) {
        return switch (this) {
            case ATTACHING -> next == ATTACHED || next == DETACHING;
            case ATTACHED -> next == DETACHING;
            case DETACHING -> false;
        };
    }

    /** ATTACHING and DETACHING: an operation is (or was, if its owner died) under way. */
    public boolean inFlight() {
        return this != ATTACHED;
    }

    String column() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Phase ofColumn(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }
}
