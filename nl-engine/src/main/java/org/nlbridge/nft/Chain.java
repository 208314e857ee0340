package org.nlbridge.nft;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

import org.nlbridge.net.ValidationException;

/**
 * A chain to create, or as listed. A base chain has a {@link Base} (type, hook, priority, policy) and sees packets
 * from its hook; a regular chain is only entered by {@code jump}/{@code goto} or a verdict map.
 */
public record Chain(ChainRef ref, Base base, String comment) {

    /** What makes a chain a base chain. Checked as the kernel would: the type must allow the hook. */
    public record Base(ChainType type, Hook hook, Priority priority, Policy policy) {
        public Base {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(hook, "hook");
            Objects.requireNonNull(priority, "priority");
            Objects.requireNonNull(policy, "policy");
            if (!type.allows(hook)) {
                throw new ValidationException("chain hook", hook.toString(), "a " + type + " chain cannot attach to the "
                        + hook + " hook", "for type " + type + ": " + type.allowedHooks());
            }
            if (type == ChainType.NAT && priority.value() <= Priority.CONNTRACK) {
                throw new ValidationException("chain priority", priority.toString(),
                        "a nat chain must run after connection tracking (-200); the kernel refuses it",
                        "an integer above -200, e.g. dstnat (-100) or srcnat (100)");
            }
        }
    }

    public Chain {
        Objects.requireNonNull(ref, "ref");
        Family family = ref.table().family();
        if (base != null && !base.type().allows(family)) {
            String types = Arrays.stream(ChainType.values()).filter(t -> t.allows(family)).map(ChainType::toString)
                    .collect(Collectors.joining(" or "));
            throw new ValidationException("chain type", base.type().toString(), "the " + family + " family has no "
                    + base.type() + " chains", "for a table of family " + family + ": " + types);
        }
        NftNames.comment("chain comment", comment);
    }

    /** A regular chain. */
    public static Chain regular(ChainRef ref) {
        return new Chain(ref, null, null);
    }

    /** A base chain; equivalent to nft's {@code type T hook H priority P; policy X;}. */
    public static Chain base(ChainRef ref, ChainType type, Hook hook, Priority priority, Policy policy) {
        return new Chain(ref, new Base(type, hook, priority, policy), null);
    }

    public Chain withComment(String comment) {
        return new Chain(ref, base, comment);
    }

    public boolean isBase() {
        return base != null;
    }

    public TableRef table() {
        return ref.table();
    }

    public String name() {
        return ref.name();
    }
}
