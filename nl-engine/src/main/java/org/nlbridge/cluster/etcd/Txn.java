package org.nlbridge.cluster.etcd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A transaction being built: if every {@link Compare} holds, the {@link #then} operations run, else the
 * {@link #orElse} ones, atomically, in one round trip. For example, claim a key only if nobody has:
 * <pre>{@code
 * TxnResult r = client.txn().when(Compare.absent(k)).then(Op.put(k, v, lease)).orElse(Op.get(k)).commit();
 * }</pre>
 * A transaction is a write: after a lost reply it is not sent again (see {@link StoreUnavailableException#outcomeUnknown()}).
 */
public final class Txn {
    private final EtcdClient client;
    private final List<Compare> compares = new ArrayList<>();
    private final List<Op> success = new ArrayList<>();
    private final List<Op> failure = new ArrayList<>();

    Txn(EtcdClient client) {
        this.client = client;
    }

    public Txn when(Compare... c) {
        compares.addAll(Arrays.asList(c));
        return this;
    }

    public Txn then(Op... ops) {
        success.addAll(Arrays.asList(ops));
        return this;
    }

    public Txn orElse(Op... ops) {
        failure.addAll(Arrays.asList(ops));
        return this;
    }

    public TxnResult commit() {
        return client.txn(compares, success, failure);
    }
}
