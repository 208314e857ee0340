package org.nlbridge.nft;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.net.ValidationException;

/**
 * The netfilter hooks a base chain can attach to. The bridge family's hooks ({@code NF_BR_*}) have the same names
 * and numbers as the ip, ip6 and inet families' ({@code NF_INET_*}); there they see frames crossing a bridge.
 */
public enum Hook {
    PREROUTING("prerouting", Uapi.NF_INET_PRE_ROUTING()),
    INPUT("input", Uapi.NF_INET_LOCAL_IN()),
    FORWARD("forward", Uapi.NF_INET_FORWARD()),
    OUTPUT("output", Uapi.NF_INET_LOCAL_OUT()),
    POSTROUTING("postrouting", Uapi.NF_INET_POST_ROUTING());

    static final String ACCEPTED = "prerouting, input, forward, output or postrouting";

    private final String nftName;
    private final int number;

    Hook(String nftName, int number) {
        this.nftName = nftName;
        this.number = number;
    }

    /** {@code NF_INET_*}, which is also the {@code NF_BR_*} number of the bridge hook of the same name. */
    public int number() {
        return number;
    }

    /** The hook with {@code NF_INET_*} number {@code n}, or null (e.g. ingress, which needs a device). */
    public static Hook ofNumber(int n) {
        for (Hook h : values()) {
            if (h.number == n) return h;
        }
        return null;
    }

    public static Hook parse(String field, String text) {
        if (text != null) {
            for (Hook h : values()) {
                if (h.nftName.equals(text)) return h;
            }
        }
        throw new ValidationException(field, text, "not a hook of the ip, ip6, inet and bridge families", ACCEPTED);
    }

    @Override
    public String toString() {
        return nftName;
    }
}
