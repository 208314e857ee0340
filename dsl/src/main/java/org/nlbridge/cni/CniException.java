package org.nlbridge.cni;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.net.ValidationException;

/**
 * A CNI error result (SPEC section 5, "Error"): the runtime reads {@code {"cniVersion","code","msg","details"}} from
 * stdout after a non-zero exit. The well-known codes are the spec's; 100 and up are nlbridge's own. The message names
 * the field and the value the way the command line does.
 */
public final class CniException extends RuntimeException {

    /** Incompatible CNI version. */
    public static final int INCOMPATIBLE_VERSION = 1;
    /** Unsupported field in the network config. */
    public static final int UNSUPPORTED_FIELD = 2;
    /** Container unknown or does not exist. */
    public static final int UNKNOWN_CONTAINER = 3;
    /** Invalid necessary environment variables. */
    public static final int INVALID_ENVIRONMENT = 4;
    /** I/O failure. */
    public static final int IO_FAILURE = 5;
    /** Failed to decode content. */
    public static final int DECODING_FAILURE = 6;
    /** Invalid network config. */
    public static final int INVALID_CONFIG = 7;
    /** Try again later (the daemon cannot be reached, or is stopping). */
    public static final int TRY_AGAIN_LATER = 11;
    /** STATUS: the plugin cannot serve ADD. */
    public static final int NOT_AVAILABLE = 50;
    /** nlbridge's own: the engine refused or failed (the message is the engine's). */
    public static final int ENGINE_FAILED = 100;
    /** nlbridge's own: CHECK found the attachment not as ADD left it. */
    public static final int CHECK_FAILED = 101;
    /** nlbridge's own: GC could not remove everything. */
    public static final int GC_INCOMPLETE = 102;

    private final int code;
    private final String details;

    public CniException(int code, String msg, String details) {
        super(msg);
        this.code = code;
        this.details = details == null ? "" : details;
    }

    public CniException(int code, String msg) {
        this(code, msg, "");
    }

    /** A user-input error of the engine's types, as a CNI error with {@code code}. */
    public static CniException of(int code, ValidationException e) {
        return new CniException(code, e.getMessage(), "");
    }

    public int code() {
        return code;
    }

    public String details() {
        return details;
    }

    /** The error result in the version of the request (its shape is the same in every version). */
    public ObjectNode toJson(CniVersion version) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("cniVersion", version.toString());
        o.put("code", code);
        o.put("msg", getMessage());
        if (!details.isEmpty()) o.put("details", details);
        return o;
    }
}
