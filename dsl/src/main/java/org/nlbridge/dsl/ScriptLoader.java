package org.nlbridge.dsl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

import org.nlbridge.spec.DesiredState;

/**
 * Turns an nlbridge script into a {@link DesiredState}: checks that the file may be run ({@link ScriptTrust}),
 * compiles it statically against the DSL's vocabulary, runs it (which only records specs), and cross-checks the
 * result. Every failure is a {@link DslException} naming the file and line; a script that fails yields nothing.
 *
 * <p>This class names no Groovy type: making a loader (as the command line does for every command) loads no
 * Groovy class; the compiler ({@link ScriptRunner}) is loaded by the first script that is compiled.
 */
public final class ScriptLoader {

    private final ScriptTrust trust;
    private final ScriptBudget budget;
    private final Consumer<DesiredState> check;

    private ScriptLoader(ScriptTrust trust, ScriptBudget budget, Consumer<DesiredState> check) {
        this.trust = trust;
        this.budget = budget;
        this.check = check;
    }

    /**
     * The loader {@code nlbridge} uses: when running as root, only root-owned, root-writable scripts run, within
     * {@link ScriptBudget#DEFAULT}.
     */
    public static ScriptLoader standard() {
        return new ScriptLoader(ScriptTrust.system(), ScriptBudget.DEFAULT, d -> { });
    }

    /** A loader with the given trust policy and the default budget (tests, and embedders with their own policy). */
    public static ScriptLoader withTrust(ScriptTrust trust) {
        return new ScriptLoader(trust, ScriptBudget.DEFAULT, d -> { });
    }

    /** This loader with another time and memory budget for each script. */
    public ScriptLoader withBudget(ScriptBudget budget) {
        return new ScriptLoader(trust, Objects.requireNonNull(budget, "budget"), check);
    }

    /**
     * This loader with one more check of a script's desired state, after the script's own cross-checks; a
     * {@link org.nlbridge.net.ValidationException} it throws is reported at the declaration it names, like theirs.
     */
    public ScriptLoader withCheck(Consumer<DesiredState> more) {
        Objects.requireNonNull(more, "check");
        Consumer<DesiredState> before = check;
        return new ScriptLoader(trust, budget, d -> {
            before.accept(d);
            more.accept(d);
        });
    }

    public ScriptBudget budget() {
        return budget;
    }

    /** Loads the script file; the file name in messages is {@code file} as given. */
    public DesiredState load(Path file) {
        return script(file).desired();
    }

    /**
     * Loads the script file, keeping where it declares what: {@link LoadedScript#run} reports the engine's refusals
     * at the script's lines too.
     */
    public LoadedScript script(Path file) {
        String shown = file.toString();
        String text;
        try {
            text = trust.read(file);
        } catch (ScriptTrust.UntrustedScriptException e) {
            throw new DslException(shown, 0, e.getMessage(), e);
        } catch (CharacterCodingException e) {
            throw new DslException(shown, 0, "not UTF-8 text", e);
        } catch (IOException e) {
            throw new DslException(shown, 0, "cannot read the script: " + describe(e), e);
        }
        return ScriptRunner.evaluate(text, shown, budget, check);
    }

    /** Compiles and runs script text; {@code file} is the name used in messages and stack traces. */
    public DesiredState evaluate(String text, String file) {
        return ScriptRunner.evaluate(text, file, budget, check).desired();
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e instanceof NoSuchFileException ? "no such file"
                : e instanceof AccessDeniedException ? "permission denied"
                : m == null ? e.getClass().getSimpleName() : m;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    }

    static String decode(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }
}
