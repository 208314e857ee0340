package org.nlbridge.nft;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import org.nlbridge.net.ValidationException;

/**
 * Base chain types and the hooks the kernel accepts each on (its {@code hook_mask}s for ip, ip6 and inet):
 * {@code filter} everywhere, {@code nat} everywhere but forward, {@code route} on output only.
 */
public enum ChainType {
    FILTER("filter", EnumSet.allOf(Hook.class)),
    NAT("nat", EnumSet.of(Hook.PREROUTING, Hook.INPUT, Hook.OUTPUT, Hook.POSTROUTING)),
    ROUTE("route", EnumSet.of(Hook.OUTPUT));

    private final String nftName;
    private final Set<Hook> hooks;

    ChainType(String nftName, Set<Hook> hooks) {
        this.nftName = nftName;
        this.hooks = hooks;
    }

    /** Whether the kernel accepts a chain of this type on {@code hook}. */
    public boolean allows(Hook hook) {
        return hooks.contains(hook);
    }

    /** The hooks this type can attach to, as nft spells them. */
    public String allowedHooks() {
        return hooks.stream().map(Hook::toString).collect(Collectors.joining(", "));
    }

    public static ChainType parse(String field, String text) {
        if (text != null) {
            for (ChainType t : values()) {
                if (t.nftName.equals(text)) return t;
            }
        }
        throw new ValidationException(field, text, "not a base chain type", "filter, nat or route");
    }

    @Override
    public String toString() {
        return nftName;
    }
}
