package org.nlbridge.driver.firewall.nftables;

import java.util.ArrayList;
import java.util.List;

/**
 * One nf_tables transaction: the messages go between one {@code NFNL_MSG_BATCH_BEGIN} and {@code END}, so the
 * kernel applies all of them or none. {@code what} names the logical operation for error messages.
 */
public record NftBatch(String what, List<NftOp> ops) {

    public NftBatch {
        ops = List.copyOf(ops);
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    /** Collects ops; element ops with no elements are dropped (an empty NEWSETELEM is pointless). */
    public static final class Builder {
        private final String what;
        private final List<NftOp> ops = new ArrayList<>();

        public Builder(String what) {
            this.what = what;
        }

        public Builder add(NftOp op) {
            if (op instanceof NftOp.AddElements a && a.elements().isEmpty()) return this;
            if (op instanceof NftOp.DeleteElements d && d.elements().isEmpty()) return this;
            ops.add(op);
            return this;
        }

        public Builder addAll(List<NftOp> more) {
            more.forEach(this::add);
            return this;
        }

        public NftBatch build() {
            return new NftBatch(what, ops);
        }
    }
}
