package org.nlbridge.cluster.etcd;

import java.util.Objects;

/**
 * One condition of a transaction: a key's create or mod revision, version, lease or value compared with a given
 * one. A key that does not exist has create revision, mod revision, version and lease 0, so
 * {@link #absent(String)} is {@code createRevision(key) == 0}.
 */
public record Compare(String key, Target target, Result result, long number, String value) {

    /** What is compared (etcd's {@code Compare.CompareTarget}). */
    public enum Target { VERSION, CREATE, MOD, VALUE, LEASE }

    /** How (etcd's {@code Compare.CompareResult}): the key's field, then the given one. */
    public enum Result { EQUAL, GREATER, LESS, NOT_EQUAL }

    public Compare {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(result, "result");
        if ((target == Target.VALUE) != (value != null)) {
            throw new IllegalArgumentException("a VALUE compare takes a value, the others a number");
        }
    }

    /** The key does not exist. */
    public static Compare absent(String key) {
        return createRevision(key, Result.EQUAL, 0);
    }

    /** The key exists. */
    public static Compare present(String key) {
        return createRevision(key, Result.GREATER, 0);
    }

    /** The key is unchanged since {@code revision} (its last change was at that revision). */
    public static Compare unchangedSince(String key, long revision) {
        return modRevision(key, Result.EQUAL, revision);
    }

    /** The key holds exactly {@code value} (and so exists). */
    public static Compare valueIs(String key, String value) {
        return value(key, Result.EQUAL, value);
    }

    public static Compare createRevision(String key, Result r, long revision) {
        return new Compare(key, Target.CREATE, r, revision, null);
    }

    public static Compare modRevision(String key, Result r, long revision) {
        return new Compare(key, Target.MOD, r, revision, null);
    }

    public static Compare version(String key, Result r, long version) {
        return new Compare(key, Target.VERSION, r, version, null);
    }

    public static Compare lease(String key, Result r, long leaseId) {
        return new Compare(key, Target.LEASE, r, leaseId, null);
    }

    public static Compare value(String key, Result r, String value) {
        return new Compare(key, Target.VALUE, r, 0, Objects.requireNonNull(value, "value"));
    }
}
