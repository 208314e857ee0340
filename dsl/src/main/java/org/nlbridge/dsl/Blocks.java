package org.nlbridge.dsl;

import groovy.lang.Closure;

import org.nlbridge.net.ValidationException;

/** Runs a block's closure against its recorder object, and names the enclosing spec in nested errors. */
final class Blocks {
    private Blocks() {}

    /** Calls {@code body} with {@code delegate} as its only receiver (what {@code @DelegatesTo} promised the compiler). */
    static void call(Closure<?> body, Object delegate) {
        if (body == null) return;
        Closure<?> c = (Closure<?>) body.clone();
        c.setResolveStrategy(Closure.DELEGATE_ONLY);
        c.setDelegate(delegate);
        c.call();
    }

    /** The same failure with the field prefixed, e.g. {@code dns} becomes {@code container web: dns}. */
    static ValidationException prefixed(String prefix, ValidationException e) {
        ValidationException p = new ValidationException(prefix + e.field(), e.value(), e.reason(), e.accepted());
        p.initCause(e);
        return p;
    }
}
