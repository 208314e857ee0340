package org.nlbridge.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.spec.UserRulesSpec;

/**
 * What a running script has declared so far, with the line of each declaration, so that a failure of the
 * cross-checks that {@link DesiredState} makes after the script returns can still be reported at a script line.
 */
final class Recorder {

    record At<T>(T spec, int line) {}

    private final String sourceFile;
    private final List<At<NetworkSpec>> networks = new ArrayList<>();
    private final List<At<ContainerSpec>> containers = new ArrayList<>();
    private final UserRulesSpec.Builder userRules = new UserRulesSpec.Builder();
    private int userRulesLine;

    /** @param sourceFile the file name the compiled script's stack frames carry */
    Recorder(String sourceFile) {
        this.sourceFile = sourceFile;
    }

    void network(NetworkSpec spec, int line) {
        networks.add(new At<>(spec, line));
    }

    void container(ContainerSpec spec, int line) {
        containers.add(new At<>(spec, line));
    }

    UserRulesSpec.Builder userRules(int line) {
        if (userRulesLine == 0) userRulesLine = line;
        return userRules;
    }

    /** The line of the innermost script frame on the current stack (0 if none). */
    int callerLine() {
        return StackWalker.getInstance().walk(s -> s
                .filter(f -> sourceFile.equals(f.getFileName()) && f.getLineNumber() > 0)
                .findFirst().map(StackWalker.StackFrame::getLineNumber).orElse(0));
    }

    String sourceFile() {
        return sourceFile;
    }

    /** The line of the innermost script frame in {@code t}'s stack trace (0 if none). */
    int lineOf(Throwable t) {
        return lineOf(t.getStackTrace());
    }

    /** The line of the innermost script frame of {@code stack} (0 if none). */
    int lineOf(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (sourceFile.equals(e.getFileName()) && e.getLineNumber() > 0) return e.getLineNumber();
        }
        return 0;
    }

    /**
     * The cross-checked whole, its bridge networks' address rules too ({@link NetworkRules}); a
     * {@link ValidationException} from the checks is left to {@link #lineOf(ValidationException)}.
     */
    DesiredState desiredState() {
        DesiredState d = new DesiredState(networks.stream().map(At::spec).toList(),
                containers.stream().map(At::spec).toList(), userRules.build());
        NetworkRules.check(d);
        return d;
    }

    /**
     * The declaration a cross-check failure is about: its field names the spec ({@code network NAME: ...},
     * {@code container NAME: ...}), or, for a duplicate, the field is {@code network}/{@code container} and the value
     * the name, reported at the second declaration.
     */
    int lineOf(ValidationException e) {
        String f = e.field();
        if (f.equals("network")) return last(networks, e.value(), true);
        if (f.equals("container")) return last(containers, e.value(), false);
        if (f.startsWith("network ")) return first(networks, owner(f, "network "), true);
        if (f.startsWith("container ")) return first(containers, owner(f, "container "), false);
        if (f.startsWith("userRules")) return userRulesLine;
        return 0;
    }

    /**
     * The declaration a failed step's unit names ({@code network bridge}, {@code container web}, {@code container web
     * on other}), 0 for the others ({@code firewall}, {@code user rules}).
     */
    int lineOfUnit(String unit) {
        String name = unit.contains(" ") ? unit.substring(unit.indexOf(' ') + 1) : "";
        if (name.contains(" ")) name = name.substring(0, name.indexOf(' '));
        if (unit.startsWith("network ")) return first(networks, name, true);
        if (unit.startsWith("container ")) return first(containers, name, false);
        return 0;
    }

    /**
     * The declaration an engine's message names when only the message came through (a daemon's answer): {@code invalid
     * network bridge "x": ...}, {@code invalid container "web": ...}, {@code container web: RTM_NEWLINK ...}; 0 for
     * any other message.
     */
    int lineOfMessage(String message) {
        String m = message.startsWith("invalid ") ? message.substring("invalid ".length()) : message;
        String[] words = m.split("[ :]+", 3);
        return words.length < 2 ? 0 : lineOfUnit(words[0] + " " + words[1].replace("\"", ""));
    }

    private static String owner(String field, String prefix) {
        String rest = field.substring(prefix.length());
        int colon = rest.indexOf(':');
        return colon < 0 ? rest : rest.substring(0, colon);
    }

    private static <T> int first(List<At<T>> list, String name, boolean network) {
        return list.stream().filter(a -> name(a.spec(), network).equals(name)).findFirst().map(At::line).orElse(0);
    }

    private static <T> int last(List<At<T>> list, String name, boolean network) {
        Optional<At<T>> found = Optional.empty();
        for (At<T> a : list) if (name(a.spec(), network).equals(name)) found = Optional.of(a);
        return found.map(At::line).orElse(0);
    }

    private static String name(Object spec, boolean network) {
        return network ? ((NetworkSpec) spec).name() : ((ContainerSpec) spec).name();
    }
}
