package org.nlbridge.cni;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code CNI_ARGS}: {@code K=V;K=V}. The keys runtimes really send: {@code IP} and {@code MAC} (podman's {@code --ip}
 * and {@code --mac-address}), {@code K8S_POD_NAMESPACE}, {@code K8S_POD_NAME}, {@code K8S_POD_INFRA_CONTAINER_ID},
 * {@code K8S_POD_UID} (containerd's CRI, also podman's container name as {@code K8S_POD_NAME}), and
 * {@code IgnoreUnknown}, without which another key is an error (as the reference plugins' {@code LoadArgs} has it).
 * The order of the pairs carries no meaning (runtimes change it between ADD and DEL).
 */
public record CniArgs(Map<String, String> values) {

    static final Set<String> KNOWN = Set.of("IP", "MAC", "K8S_POD_NAMESPACE", "K8S_POD_NAME",
            "K8S_POD_INFRA_CONTAINER_ID", "K8S_POD_UID", "IgnoreUnknown");

    public static final CniArgs NONE = new CniArgs(Map.of());

    public CniArgs {
        values = Map.copyOf(values);
    }

    public static CniArgs parse(String text) {
        if (text == null || text.isEmpty()) return NONE;
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : text.split(";", -1)) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid CNI_ARGS \"" + text + "\": \"" + pair
                        + "\" is not KEY=VALUE", "CNI_ARGS is KEY=VALUE pairs separated by ';', like IgnoreUnknown=1;IP=10.1.0.5");
            }
            String k = pair.substring(0, eq);
            if (out.put(k, pair.substring(eq + 1)) != null) {
                throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid CNI_ARGS \"" + text + "\": " + k
                        + " given twice", "each key once");
            }
        }
        boolean ignoreUnknown = out.containsKey("IgnoreUnknown") && switch (out.get("IgnoreUnknown").toLowerCase(Locale.ROOT)) {
            case "1", "true", "t" -> true;
            case "0", "false", "f", "" -> false;
            default -> throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid CNI_ARGS IgnoreUnknown \""
                    + out.get("IgnoreUnknown") + "\": not a boolean", "IgnoreUnknown=1 or IgnoreUnknown=true");
        };
        if (!ignoreUnknown) {
            for (String k : out.keySet()) {
                if (!KNOWN.contains(k)) {
                    throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid CNI_ARGS \"" + text + "\": unknown key "
                            + k, "the keys nlbridge reads (" + String.join(", ", KNOWN.stream().sorted().toList())
                            + "), or IgnoreUnknown=1 to pass others");
                }
            }
        }
        return new CniArgs(out);
    }

    /** The value of {@code key}, or null; an empty value counts as absent. */
    public String get(String key) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? null : v;
    }
}
