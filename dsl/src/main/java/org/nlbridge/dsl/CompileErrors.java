package org.nlbridge.dsl;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.codehaus.groovy.ast.ClassNode;

/** The compiler's messages about DSL keys, in the script's own words. */
final class CompileErrors {
    private CompileErrors() {}

    private static final String STC_PREFIX = "[Static type checking] - ";
    private static final Pattern REQUIRED_NAMED = Pattern.compile("required named param '(\\w+)' not found\\.?");
    private static final Pattern NAMED_TYPE = Pattern.compile(
            "argument for named param '(\\w+)' has type '([\\w.$]+)' but expected '([\\w.$]+)'\\.?");
    private static final Pattern UNEXPECTED_NAMED = Pattern.compile("unexpected named arg: (\\w+)\\.?");

    /** A compiler message as shown to the user: one line, without the checker's prefix, named params reworded. */
    static String explain(String message) {
        String m = ScriptLoader.oneLine(message);
        if (m.startsWith(STC_PREFIX)) m = m.substring(STC_PREFIX.length());
        Matcher r = REQUIRED_NAMED.matcher(m);
        if (r.matches()) return "missing the named option " + r.group(1) + ":" + namedExample(r.group(1));
        Matcher t = NAMED_TYPE.matcher(m);
        if (t.matches()) {
            return "the named option " + t.group(1) + ": takes " + words(t.group(3)) + ", not " + words(t.group(2))
                    + namedExample(t.group(1));
        }
        Matcher u = UNEXPECTED_NAMED.matcher(m);
        if (u.matches()) return "unknown named option " + u.group(1) + ":" + namedExample(u.group(1));
        return m;
    }

    /** An example of a key taking named options (the one naming {@code option} if any), inside its block. */
    private static String namedExample(String option) {
        String any = "";
        for (Vocabulary.Block b : Vocabulary.BLOCKS) {
            if (b == Vocabulary.TOP) continue;
            for (Vocabulary.Key k : b.keys().values()) {
                if (k.example().contains(", " + option + ":")) return " (like " + k.example() + ")";
                if (any.isEmpty() && k.example().matches(".*, \\w+: .*")) any = " (like " + k.example() + ")";
            }
        }
        return any;
    }

    /** A call that matched no key of the block: an unknown key, a key of another block, or a wrong value. */
    static String missingKey(Vocabulary.Block block, String name, ClassNode[] argumentTypes) {
        Vocabulary.Key key = block.keys().get(name);
        if (key != null) {
            return name + " " + block.where() + " takes " + key.takes() + ", not " + args(argumentTypes)
                    + " (like " + key.example() + ")";
        }
        StringBuilder sb = new StringBuilder("unknown key '").append(name).append("' ").append(block.where());
        String suggestion = Vocabulary.suggest(block, name);
        if (suggestion != null) return sb.append("; did you mean '").append(suggestion).append("'?").toString();
        for (Vocabulary.Block other : Vocabulary.BLOCKS) {
            if (other != block && other.keys().containsKey(name)) {
                return sb.append(" (").append(name).append(" belongs ").append(other.where())
                        .append("); the keys here are ").append(String.join(", ", block.keys().keySet())).toString();
            }
        }
        return sb.append("; the keys here are ").append(String.join(", ", block.keys().keySet())).toString();
    }

    /**
     * A bare name that is not a variable: a key written as an assignment ({@code mtu = 1400}), a key without its
     * value ({@code icc}), or text without quotes ({@code bridge docker0}).
     */
    static String unresolvedName(Vocabulary.Block block, String name, boolean assigned) {
        Vocabulary.Key key = block.keys().get(name);
        if (key != null) {
            return name + " " + block.where() + (assigned ? " is written without '='" : " needs a value")
                    + " (like " + key.example() + ")";
        }
        return "unknown name '" + name + "' " + block.where() + " (is it text without quotes? write '" + name + "')";
    }

    private static String args(ClassNode[] types) {
        if (types == null || types.length == 0) return "nothing";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < types.length; i++) {
            if (i > 0) sb.append(i == types.length - 1 ? " and " : ", ");
            sb.append(words(types[i].getName()));
        }
        return sb.toString();
    }

    /** A type in words: {@code java.lang.String} is "a string", {@code int} "a number", and so on. */
    static String words(String typeName) {
        String simple = typeName.substring(typeName.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return switch (simple) {
            case "string", "gstring", "gstringimpl", "charsequence" -> "a string";
            case "int", "integer", "long", "short", "byte", "biginteger" -> "a number";
            case "double", "float", "bigdecimal" -> "a decimal number";
            case "boolean" -> "true or false";
            case "closure" -> "a { } block";
            case "map", "linkedhashmap" -> "named options";
            case "list", "arraylist" -> "a list";
            case "object" -> "a value of unknown type";
            default -> "a " + typeName.substring(typeName.lastIndexOf('.') + 1);
        };
    }
}
