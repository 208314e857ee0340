package org.nlbridge.cni;

import java.util.List;

/**
 * The CNI spec versions nlbridge speaks. Every result is written in the version the request asked for: podman 4.3
 * (libcni 1.1) refuses a 1.1.0 result to a 1.0.0 config, and results before 1.0.0 carry {@code ips[].version}.
 */
public enum CniVersion {
    V0_3_0("0.3.0"), V0_3_1("0.3.1"), V0_4_0("0.4.0"), V1_0_0("1.0.0"), V1_1_0("1.1.0");

    /** What {@code VERSION} answers, oldest first (the plugin executable keeps the same list). */
    public static final List<String> SUPPORTED = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
    public static final CniVersion LATEST = V1_1_0;

    private final String text;

    CniVersion(String text) {
        this.text = text;
    }

    /** The version of {@code cniVersion}; an error (code 1) naming it and the supported ones otherwise. */
    public static CniVersion parse(String text) {
        for (CniVersion v : values()) if (v.text.equals(text)) return v;
        throw new CniException(CniException.INCOMPATIBLE_VERSION, "incompatible CNI versions: cniVersion "
                + (text == null ? "missing" : "\"" + text + "\"") + " is not supported",
                "nlbridge supports " + String.join(", ", SUPPORTED));
    }

    /** The version of {@code cniVersion} if it is one of ours, else the latest (for errors about the request itself). */
    public static CniVersion orLatest(String text) {
        for (CniVersion v : values()) if (v.text.equals(text)) return v;
        return LATEST;
    }

    public boolean atLeast(CniVersion other) {
        return compareTo(other) >= 0;
    }

    /** Before 1.0.0 an {@code ips} entry names its family ({@code "version": "4"}). */
    public boolean ipsHaveVersion() {
        return !atLeast(V1_0_0);
    }

    @Override
    public String toString() {
        return text;
    }
}
