package org.nlbridge.dsl;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.nlbridge.spec.DesiredState;

/** One shared loader for all DSL tests (compiling is the slow part; the configuration is shared anyway). */
final class Scripts {
    private Scripts() {}

    static final ScriptLoader LOADER = ScriptLoader.withTrust(ScriptTrust.none());
    static final String FILE = "net.groovy";

    static DesiredState eval(String text) {
        return LOADER.evaluate(text, FILE);
    }

    /** The one-line message of the DslException the script fails with. */
    static String error(String text) {
        return assertThrows(DslException.class, () -> eval(text)).getMessage();
    }
}
