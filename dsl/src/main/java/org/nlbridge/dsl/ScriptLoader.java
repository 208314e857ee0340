package org.nlbridge.dsl;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyCodeSource;
import groovy.transform.CompileStatic;
import org.codehaus.groovy.control.CompilationFailedException;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.ErrorCollector;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.control.customizers.ASTTransformationCustomizer;
import org.codehaus.groovy.control.messages.ExceptionMessage;
import org.codehaus.groovy.control.messages.Message;
import org.codehaus.groovy.control.messages.SimpleMessage;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;
import org.codehaus.groovy.runtime.InvokerInvocationException;
import org.codehaus.groovy.syntax.SyntaxException;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.DesiredState;

/**
 * Turns an nlbridge script into a {@link DesiredState}: checks that the file may be run ({@link ScriptTrust}),
 * compiles it statically against the DSL's vocabulary, runs it (which only records specs), and cross-checks the
 * result. Every failure is a {@link DslException} naming the file and line; a script that fails yields nothing.
 *
 * <p>All loaders share one compiler configuration; each script gets a class loader of its own, dropped with it.
 */
public final class ScriptLoader {

    /**
     * The configuration every script is compiled with: our base class, and {@code @CompileStatic} on everything.
     * In a holder, made at the first compile: building it starts Groovy (≈ 0.3 s), which a command that compiles
     * nothing (status, version) must not pay.
     */
    private static final class Config {
        static final CompilerConfiguration CONFIG = config();
    }

    private static CompilerConfiguration config() {
        CompilerConfiguration c = new CompilerConfiguration();
        c.setScriptBaseClass(NlbridgeScript.class.getName());
        c.addCompilationCustomizers(new ASTTransformationCustomizer(
                java.util.Map.of("extensions", List.of(DslTypeChecking.class.getName())), CompileStatic.class));
        c.setSourceEncoding(StandardCharsets.UTF_8.name());
        return c;
    }

    private final ScriptTrust trust;

    private ScriptLoader(ScriptTrust trust) {
        this.trust = trust;
    }

    /** The loader {@code nlbridge} uses: when running as root, only root-owned, root-writable scripts run. */
    public static ScriptLoader standard() {
        return new ScriptLoader(ScriptTrust.system());
    }

    /** A loader with the given trust policy (tests, and embedders with their own policy). */
    public static ScriptLoader withTrust(ScriptTrust trust) {
        return new ScriptLoader(trust);
    }

    /** Loads the script file; the file name in messages is {@code file} as given. */
    public DesiredState load(Path file) {
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
        return evaluate(text, shown);
    }

    /** Compiles and runs script text; {@code file} is the name used in messages and stack traces. */
    public DesiredState evaluate(String text, String file) {
        String sourceFile = baseName(file);
        Class<?> type = Groovy.compile(text, file, sourceFile);
        Recorder recorder = new Recorder(sourceFile);
        Groovy.run(type, recorder, file);
        try {
            return recorder.desiredState();
        } catch (ValidationException e) {
            throw new DslException(file, recorder.lineOf(e), e.getMessage(), e);
        }
    }

    private static DslException failure(String file, Recorder recorder, Throwable t) {
        if (t instanceof DslException d) return d;
        String detail = t instanceof ValidationException ? t.getMessage()
                // Groovy's power assert draws a diagram below the expression: keep the expression
                : t instanceof AssertionError && t.getMessage() != null
                        ? "assertion failed: " + t.getMessage().strip().lines().findFirst().orElse("")
                : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        return new DslException(file, recorder.lineOf(t), oneLine(detail), t);
    }

    /**
     * Everything that touches Groovy's classes, in a class of its own: the verifier loads the exception types a
     * method catches when it checks the method's class, so a command that loads no script (status) would otherwise
     * open Groovy's jar for ScriptLoader's sake.
     */
    private static final class Groovy {
        /** Runs the compiled script, which only records specs into {@code recorder}. */
        static void run(Class<?> type, Recorder recorder, String file) {
            try {
                NlbridgeScript script = (NlbridgeScript) type.getDeclaredConstructor().newInstance();
                script.recorder(recorder);
                script.run();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot instantiate the compiled script " + type.getName(), e);
            } catch (InvokerInvocationException e) {
                throw failure(file, recorder, e.getCause() != null ? e.getCause() : e);
            } catch (RuntimeException | StackOverflowError | AssertionError e) {
                throw failure(file, recorder, e);
            }
        }

        static Class<?> compile(String text, String file, String sourceFile) {
            // a fresh class loader per script: its classes are collected with it, and names never clash
            try (GroovyClassLoader loader = new GroovyClassLoader(ScriptLoader.class.getClassLoader(), Config.CONFIG)) {
                GroovyCodeSource source = new GroovyCodeSource(text, sourceFile, "/nlbridge/script");
                source.setCachable(false);
                Class<?> type = loader.parseClass(source, false);
                if (!NlbridgeScript.class.isAssignableFrom(type)) {
                    throw new DslException(file, 0, "not a script: it declares a class instead of statements", null);
                }
                return type;
            } catch (MultipleCompilationErrorsException e) {
                throw new DslException(problems(file, e.getErrorCollector()), e);
            } catch (CompilationFailedException e) {
                throw new DslException(file, 0, oneLine(e.getMessage()), e);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static List<DslException.Problem> problems(String file, ErrorCollector errors) {
            List<DslException.Problem> out = new ArrayList<>();
            for (Message m : errors.getErrors()) {
                switch (m) {
                    case SyntaxErrorMessage s -> {
                        SyntaxException x = s.getCause();
                        out.add(new DslException.Problem(file, x.getStartLine(),
                                CompileErrors.explain(x.getOriginalMessage())));
                    }
                    case ExceptionMessage x ->
                            out.add(new DslException.Problem(file, 0, oneLine(String.valueOf(x.getCause()))));
                    case SimpleMessage x -> out.add(new DslException.Problem(file, 0, oneLine(x.getMessage())));
                    default -> out.add(new DslException.Problem(file, 0, m.getClass().getSimpleName()));
                }
            }
            if (out.isEmpty()) out.add(new DslException.Problem(file, 0, "does not compile"));
            // the checker reports a block's body before the call that opens it; show problems in reading order
            out.sort(java.util.Comparator.comparingInt(DslException.Problem::line));
            return out;
        }
    }

    static String baseName(String file) {
        String name = Path.of(file).getFileName() != null ? Path.of(file).getFileName().toString() : file;
        return name.isEmpty() ? "script.groovy" : name;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : m == null ? e.getClass().getSimpleName() : m;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    }

    static String decode(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    }
}
