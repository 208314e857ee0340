package org.nlbridge.net;

import java.util.Objects;

/**
 * User input that does not fit its field. The message always reads
 * {@code invalid <field> "<value>": <reason>; expected <accepted form>}, e.g.
 * {@code invalid mtu "67": below the IPv4 minimum 68; expected an integer 68..65535}.
 *
 * <p>The value is quoted with control characters escaped ({@code \n}, {@code \r}, {@code \t},
 * {@code \0}, {@code \\u00XX}), so one error is always one line; values longer than 128 chars are cut
 * as {@code "<first 128>"... (N chars)}. A missing value (null) reads {@code invalid <field>: no value given; ...}.
 *
 * <p>Not final: {@code org.nlbridge.spec.NotFoundException} is the one subclass, for a name that is valid but names
 * nothing (the daemon answers it with 404 rather than 400).
 */
public class ValidationException extends RuntimeException {

    private final String field;
    private final String value;
    private final String reason;
    private final String accepted;

    public ValidationException(String field, String value, String reason, String accepted) {
        super(message(Objects.requireNonNull(field, "field"), value,
                Objects.requireNonNull(reason, "reason"), Objects.requireNonNull(accepted, "accepted")));
        this.field = field;
        this.value = value;
        this.reason = reason;
        this.accepted = accepted;
    }

    /** Builds the exception for a failure found by an inner parser. */
    static ValidationException of(String field, String value, Invalid cause, String accepted) {
        return new ValidationException(field, value, cause.reason(), accepted);
    }

    /** Throws for a null value, the one input no parser can describe. */
    static String requireValue(String field, String value, String accepted) {
        if (value == null) {
            throw new ValidationException(field, null, "no value given", accepted);
        }
        return value;
    }

    private static String message(String field, String value, String reason, String accepted) {
        String shown = value == null ? "" : " " + Text.quote(value);
        return "invalid " + field + shown + ": " + reason + "; expected " + accepted;
    }

    /** The field as the caller named it ({@code "mtu"}, {@code "networks.web.subnet"}). */
    public String field() {
        return field;
    }

    /** The rejected text exactly as given (unescaped), or null if none was given. */
    public String value() {
        return value;
    }

    /** Why it was rejected, without field or value. */
    public String reason() {
        return reason;
    }

    /** The accepted form, phrased to follow "expected". */
    public String accepted() {
        return accepted;
    }
}
