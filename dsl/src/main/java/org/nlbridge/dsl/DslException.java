package org.nlbridge.dsl;

import java.util.List;
import java.util.Objects;

/**
 * A script that cannot become a desired state: it does not compile, a value fails validation while it runs, the
 * whole fails a cross-check, or the file may not be run. The message reads {@code FILE:LINE: DETAIL} (or
 * {@code FILE: DETAIL} when no line applies), one line, meant to be shown without a stack trace; e.g.
 * {@code net.groovy:4: unknown key 'mtuu' in a network block; did you mean 'mtu'?}.
 *
 * <p>A script that fails to compile may have several problems; {@link #problems()} lists them all, and the
 * message is the first one followed by how many more there are.
 */
public final class DslException extends RuntimeException {

    /** One problem at one place: {@code line} is 1-based, 0 when the problem has no line. */
    public record Problem(String file, int line, String detail) {
        public Problem {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public String toString() {
            return file + (line > 0 ? ":" + line : "") + ": " + detail;
        }
    }

    private final List<Problem> problems;

    DslException(List<Problem> problems, Throwable cause) {
        super(message(problems), cause);
        if (problems.isEmpty()) throw new IllegalArgumentException("no problem given");
        this.problems = List.copyOf(problems);
    }

    DslException(String file, int line, String detail, Throwable cause) {
        this(List.of(new Problem(file, line, detail)), cause);
    }

    private static String message(List<Problem> problems) {
        if (problems.isEmpty()) return "";
        String first = problems.getFirst().toString();
        int more = problems.size() - 1;
        return more == 0 ? first : first + " (and " + more + " more error" + (more == 1 ? "" : "s") + ")";
    }

    /** The script file as the caller named it. */
    public String file() {
        return problems.getFirst().file();
    }

    /** The script line of the (first) problem, 1-based; 0 when it has none. */
    public int line() {
        return problems.getFirst().line();
    }

    /** The (first) problem without its location. */
    public String detail() {
        return problems.getFirst().detail();
    }

    /** Every problem found, in source order for compile errors. */
    public List<Problem> problems() {
        return problems;
    }
}
