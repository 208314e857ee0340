package org.nlbridge.cni;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.nlbridge.client.ApiJson;
import org.nlbridge.net.IfName;
import org.nlbridge.net.ValidationException;

/**
 * One plugin call as the runtime made it: the {@code CNI_*} environment and the config on stdin, decoded and checked
 * in the order the reference plugins' {@code skel} does (environment, then the document, then its version, then the
 * config), each failure a CNI error with the spec's code: 4 for the environment, 6 for a document that is no JSON,
 * 1 for a version nlbridge does not speak or a verb the version does not have, 7 for the config.
 *
 * @param netns the container's namespace as {@code CNI_NETNS} names it (null when not given: DEL, GC, STATUS)
 */
public record CniRequest(Command command, String containerId, String netns, String ifname, String path, CniArgs args,
                         CniConfig config) {

    /** The verbs of spec 1.1.0 that carry a config ({@code VERSION} is answered before any decoding). */
    public enum Command { ADD, DEL, CHECK, GC, STATUS }

    /** CNI's rule for container ids (libcni's {@code ValidateContainerID}). */
    private static final Pattern CONTAINER_ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");

    public CniVersion version() {
        return config.version();
    }

    /**
     * Decodes a call. A failure is a {@link CniException} with the code the runtime expects; its version is that of
     * the document when it names one nlbridge speaks ({@link #errorVersion}).
     */
    public static CniRequest decode(Map<String, String> env, byte[] stdin) {
        String cmd = env.get("CNI_COMMAND");
        if (cmd == null || cmd.isEmpty()) throw env("required environment variable CNI_COMMAND missing", "ADD, DEL, CHECK, GC, STATUS or VERSION");
        if (cmd.equals("VERSION")) throw new IllegalArgumentException("VERSION carries no config: answer it before decoding");
        Command command;
        try {
            command = Command.valueOf(cmd);
        } catch (IllegalArgumentException e) {
            throw env("unknown CNI_COMMAND \"" + cmd + "\"", "ADD, DEL, CHECK, GC, STATUS or VERSION");
        }
        List<String> missing = new ArrayList<>();
        boolean attachment = command == Command.ADD || command == Command.DEL || command == Command.CHECK;
        String id = env.get("CNI_CONTAINERID");
        String netns = env.get("CNI_NETNS");
        String ifname = env.get("CNI_IFNAME");
        if (attachment) {
            if (blank(id)) missing.add("CNI_CONTAINERID");
            if (blank(netns) && command != Command.DEL) missing.add("CNI_NETNS");
            if (blank(ifname)) missing.add("CNI_IFNAME");
        }
        if (!missing.isEmpty()) throw env("required environment variables " + missing + " missing", "the CNI_* variables of spec 1.1.0");
        if (attachment) {
            if (!CONTAINER_ID.matcher(id).matches()) {
                throw env("invalid CNI_CONTAINERID \"" + id + "\": not a container id",
                        "a letter or digit, then letters, digits, '_', '.' or '-'");
            }
            try {
                IfName.parseNew("CNI_IFNAME", ifname);
            } catch (ValidationException e) {
                throw new CniException(CniException.INVALID_ENVIRONMENT, e.getMessage());
            }
            netns = blank(netns) ? null : netnsPath(netns);
        } else {
            id = null;
            netns = null;
            ifname = null;
        }
        CniArgs args = attachment ? CniArgs.parse(env.get("CNI_ARGS")) : CniArgs.NONE;
        JsonNode doc;
        try {
            doc = ApiJson.parse("network config", stdin);
        } catch (ValidationException e) {
            throw new CniException(CniException.DECODING_FAILURE, e.getMessage());
        }
        JsonNode v = doc.isObject() ? doc.get("cniVersion") : null;
        CniVersion version = CniVersion.parse(v != null && v.isTextual() ? v.textValue() : null);
        switch (command) {
            case CHECK -> need(version, CniVersion.V0_4_0, "CHECK");
            case GC -> need(version, CniVersion.V1_1_0, "GC");
            case STATUS -> need(version, CniVersion.V1_1_0, "STATUS");
            default -> { }
        }
        CniConfig config = CniConfig.read(version, doc);
        if (command == Command.GC && config.attachments() == null) {
            throw new CniException(CniException.INVALID_CONFIG, "invalid network config: GC without"
                    + " cni.dev/valid-attachments; expected the list of attachments still valid (an empty list removes all)");
        }
        String path = env.get("CNI_PATH");
        return new CniRequest(command, id, netns, ifname, path, args, config);
    }

    /** The version to write an error in: the document's if it names one nlbridge speaks, else the latest. */
    public static CniVersion errorVersion(byte[] stdin) {
        try {
            JsonNode doc = ApiJson.parse("network config", stdin);
            JsonNode v = doc.get("cniVersion");
            return CniVersion.orLatest(v != null && v.isTextual() ? v.textValue() : null);
        } catch (RuntimeException e) {
            return CniVersion.LATEST;
        }
    }

    private static void need(CniVersion version, CniVersion min, String verb) {
        if (!version.atLeast(min)) {
            throw new CniException(CniException.INCOMPATIBLE_VERSION, "config version " + version + " does not allow " + verb,
                    verb + " needs cniVersion " + min + " or later");
        }
    }

    /** {@code /run/netns/NAME} or {@code /proc/PID/ns/net}: an absolute path in normal form. */
    private static String netnsPath(String netns) {
        if (!netns.startsWith("/") || netns.indexOf('\0') >= 0 || !Path.of(netns).normalize().toString().equals(netns)) {
            throw env("invalid CNI_NETNS \"" + netns + "\": not an absolute path in normal form",
                    "the path of the container's network namespace, like /run/netns/NAME or /proc/PID/ns/net");
        }
        return netns;
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }

    private static CniException env(String msg, String expected) {
        return new CniException(CniException.INVALID_ENVIRONMENT, msg + "; expected " + expected);
    }
}
