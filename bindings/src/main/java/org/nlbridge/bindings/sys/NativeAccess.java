package org.nlbridge.bindings.sys;

/**
 * Fails fast, naming the exact JVM flag, when native access was not granted, instead of letting the JVM print
 * a "restricted method" warning (or, with {@code --illegal-native-access=deny}, throw a bare
 * {@code IllegalCallerException}) at the first downcall.
 */
public final class NativeAccess {
    private NativeAccess() {}

    public static void require() {
        Module m = NativeAccess.class.getModule();
        if (!m.isNativeAccessEnabled()) {
            String who = m.isNamed() ? m.getName() : "ALL-UNNAMED";
            throw new IllegalStateException("nlbridge needs native access: start the JVM with --enable-native-access="
                    + who + " (the ./nlbridge launcher and the Maven build pass it)");
        }
    }
}
