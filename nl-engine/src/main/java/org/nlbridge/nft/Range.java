package org.nlbridge.nft;

import java.util.Objects;

/** An interval set element that is neither one value nor a prefix: {@code first-last}, as nft prints it. */
public record Range(Object first, Object last) {
    public Range {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
