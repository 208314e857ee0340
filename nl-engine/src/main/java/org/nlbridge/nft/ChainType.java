package org.nlbridge.nft;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import org.nlbridge.net.ValidationException;

/**
 * Base chain types and where the kernel accepts each (its chain types' families and {@code hook_mask}s):
 * {@code filter} in every family on every hook, {@code nat} in ip, ip6 and inet everywhere but forward,
 * {@code route} in ip and ip6 on output only.
 */
public enum ChainType {
    FILTER("filter", EnumSet.allOf(Hook.class), EnumSet.allOf(Family.class)),
    NAT("nat", EnumSet.of(Hook.PREROUTING, Hook.INPUT, Hook.OUTPUT, Hook.POSTROUTING),
            EnumSet.of(Family.IP, Family.IP6, Family.INET)),
    ROUTE("route", EnumSet.of(Hook.OUTPUT), EnumSet.of(Family.IP, Family.IP6));

    private final String nftName;
    private final Set<Hook> hooks;
    private final Set<Family> families;

    ChainType(String nftName, Set<Hook> hooks, Set<Family> families) {
        this.nftName = nftName;
        this.hooks = hooks;
        this.families = families;
    }

    /** Whether the kernel accepts a chain of this type on {@code hook}. */
    public boolean allows(Hook hook) {
        return hooks.contains(hook);
    }

    /** Whether the kernel has this chain type in tables of {@code family}. */
    public boolean allows(Family family) {
        return families.contains(family);
    }

    /** The hooks this type can attach to, as nft spells them. */
    public String allowedHooks() {
        return hooks.stream().map(Hook::toString).collect(Collectors.joining(", "));
    }

    /** The families that have this type, as nft spells them. */
    public String allowedFamilies() {
        return families.stream().map(Family::toString).collect(Collectors.joining(", "));
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
