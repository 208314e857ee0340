package org.nlbridge.dsl;

/** What tests in other packages may ask about the process. */
public final class ScriptTraits {
    private ScriptTraits() {}

    public static boolean root() {
        return org.nlbridge.os.ProcessIdentity.effectiveUid() == 0;
    }
}
