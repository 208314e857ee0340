package org.nlbridge.dsl;

/** What tests in other packages may ask about the process. */
public final class ScriptTraits {
    private ScriptTraits() {}

    public static boolean root() {
        return ScriptTrust.processEffectiveUid() == 0;
    }
}
