package org.nlbridge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.function.Executable;

/** Asserts the whole error text, so a changed word in any message fails a test. */
final class Rejection {

    private Rejection() {}

    /**
     * Expects {@code invalid <field> "<value>": <reason>; expected <accepted>} exactly; the value is
     * inserted as is, so use it only for values that need no escaping.
     */
    static ValidationException assertRejected(String field, String value, String reason, String accepted,
                                              Executable call) {
        ValidationException e = assertThrows(ValidationException.class, call);
        assertEquals("invalid " + field + " \"" + value + "\": " + reason + "; expected " + accepted, e.getMessage());
        assertEquals(field, e.field());
        assertEquals(value, e.value());
        assertEquals(reason, e.reason());
        assertEquals(accepted, e.accepted());
        return e;
    }

    /** Expects exactly {@code message}, for values that are shown escaped. */
    static ValidationException assertMessage(String message, Executable call) {
        ValidationException e = assertThrows(ValidationException.class, call);
        assertEquals(message, e.getMessage());
        return e;
    }
}
