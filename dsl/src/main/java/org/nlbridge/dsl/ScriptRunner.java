package org.nlbridge.dsl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyCodeSource;
import groovy.transform.CompileStatic;
import groovy.transform.ThreadInterrupt;
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
 * The Groovy side of {@link ScriptLoader}: compiles script text statically against the DSL's vocabulary, runs it
 * against a {@link Recorder} and turns every failure into a {@link DslException} with the file and line. Kept apart
 * so that only commands that compile a script load Groovy.
 *
 * <p>All scripts share one compiler configuration; each gets a class loader of its own, dropped with it.
 */
final class ScriptRunner {
    private ScriptRunner() {}

    /** The configuration every script is compiled with: our base class, and {@code @CompileStatic} on everything. */
    static final CompilerConfiguration CONFIG = config(false);
    /** {@link #CONFIG} plus {@code @ThreadInterrupt}: an interrupt check at the top of every loop body, method and closure. */
    static final CompilerConfiguration INTERRUPTIBLE = config(true);

    private static CompilerConfiguration config(boolean interruptible) {
        CompilerConfiguration c = new CompilerConfiguration();
        c.setScriptBaseClass(NlbridgeScript.class.getName());
        if (interruptible) c.addCompilationCustomizers(new ASTTransformationCustomizer(ThreadInterrupt.class));
        c.addCompilationCustomizers(new ASTTransformationCustomizer(
                Map.of("extensions", List.of(DslTypeChecking.class.getName())), CompileStatic.class));
        c.setSourceEncoding(StandardCharsets.UTF_8.name());
        return c;
    }

    /**
     * Compiles and runs script text within {@code budget}, then applies {@code check} to the result;
     * {@code file} is the name used in messages and stack traces.
     */
    static LoadedScript evaluate(String text, String file, ScriptBudget budget, Consumer<DesiredState> check) {
        Recorder recorder = new Recorder(baseName(file));
        try {
            if (budget.unlimited()) return compileAndRun(text, file, recorder, CONFIG, () -> { }, check);
            return ScriptWatchdog.run(budget, meter -> compileAndRun(text, file, recorder, INTERRUPTIBLE, meter, check),
                    stack -> file + at(recorder.lineOf(stack)) + ": the script called System.exit or Runtime.exit;"
                            + " a script cannot end nlbridge, so it stopped here with an error and applied nothing");
        } catch (ScriptWatchdog.Stopped s) {
            int line = recorder.lineOf(s.where);
            if (line == 0 && s.getCause() != null) line = recorder.lineOf(s.getCause());
            String why = s.why == ScriptWatchdog.Stop.TIME
                    ? "the script ran longer than " + ScriptBudget.show(budget.time()) + " (--script-timeout)"
                    : "the script allocated more than " + ScriptBudget.showBytes(budget.memory()) + " (--script-memory)";
            throw new DslException(file, line, why, s.getCause());
        } catch (OutOfMemoryError e) {
            throw new DslException(file, recorder.lineOf(e), "the script ran out of memory (" + e.getMessage()
                    + ", in a JVM heap of at most " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB)", e);
        }
    }

    private static String at(int line) {
        return line > 0 ? ":" + line : "";
    }

    private static LoadedScript compileAndRun(String text, String file, Recorder recorder, CompilerConfiguration config,
                                              Runnable meter, Consumer<DesiredState> check) {
        Class<?> type = compile(text, file, recorder.sourceFile(), config);
        try {
            NlbridgeScript script = (NlbridgeScript) type.getDeclaredConstructor().newInstance();
            script.recorder(recorder);
            meter.run();
            script.run();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate the compiled script " + type.getName(), e);
        } catch (InvokerInvocationException e) {
            throw failure(file, recorder, e.getCause() != null ? e.getCause() : e);
        } catch (RuntimeException | StackOverflowError | AssertionError e) {
            throw failure(file, recorder, e);
        }
        try {
            DesiredState desired = recorder.desiredState();
            check.accept(desired);
            return new LoadedScript(file, desired, recorder);
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
        return new DslException(file, recorder.lineOf(t), ScriptLoader.oneLine(detail), t);
    }

    private static Class<?> compile(String text, String file, String sourceFile, CompilerConfiguration config) {
        // a fresh class loader per script: its classes are collected with it, and names never clash
        try (GroovyClassLoader loader = new GroovyClassLoader(ScriptRunner.class.getClassLoader(), config)) {
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
            throw new DslException(file, 0, ScriptLoader.oneLine(e.getMessage()), e);
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
                    out.add(new DslException.Problem(file, x.getStartLine(), CompileErrors.explain(x.getOriginalMessage())));
                }
                case ExceptionMessage x -> out.add(new DslException.Problem(file, 0, ScriptLoader.oneLine(String.valueOf(x.getCause()))));
                case SimpleMessage x -> out.add(new DslException.Problem(file, 0, ScriptLoader.oneLine(x.getMessage())));
                default -> out.add(new DslException.Problem(file, 0, m.getClass().getSimpleName()));
            }
        }
        if (out.isEmpty()) out.add(new DslException.Problem(file, 0, "does not compile"));
        // the checker reports a block's body before the call that opens it; show problems in reading order
        out.sort(Comparator.comparingInt(DslException.Problem::line));
        return out;
    }

    static String baseName(String file) {
        String name = Path.of(file).getFileName() != null ? Path.of(file).getFileName().toString() : file;
        return name.isEmpty() ? "script.groovy" : name;
    }
}
