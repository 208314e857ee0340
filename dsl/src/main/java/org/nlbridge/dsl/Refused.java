package org.nlbridge.dsl;

/**
 * The calls a script may not make, with the reason shown at the call's line: those that would end nlbridge, those
 * that start a thread or a process, which would outlive the script and its time and memory budget, and the usual
 * ways of calling a method these checks cannot see (reflection, method handles, calls by name, evaluating code).
 * Not a sandbox (see {@link DslTypeChecking#onMethodSelection}).
 */
final class Refused {
    private Refused() {}

    private static final String EXIT = " is not allowed in a script: a script only declares networks and containers,"
            + " and cannot end nlbridge; to stop with an error, throw an exception (like throw new"
            + " IllegalStateException('why'))";
    private static final String UNSEEN = " is not allowed in a script: the checks that keep a script from ending nlbridge"
            + " or outliving its time and memory budget cannot see where such a call goes";
    private static final String OUTLIVES = " would outlive the script and its time and memory budget (--script-timeout,"
            + " --script-memory), and check and plan must change nothing";

    /**
     * Why a call to {@code owner.name} is refused, or null if it is not.
     *
     * @param owner       the class that declares the method (for a Groovy extension method, the class that defines it)
     * @param constructor whether it is a constructor
     */
    static String call(String owner, String name, boolean constructor) {
        if (name.equals("invokeMethod") || name.equals("invokeStaticMethod")) {
            return "calling a method by its name (" + name + ")" + UNSEEN;
        }
        return switch (owner) {
            case "java.lang.System" -> name.equals("exit") ? "System.exit" + EXIT : null;
            case "java.lang.reflect.Method" -> name.equals("invoke") ? "calling a method by reflection (Method.invoke)" + UNSEEN : null;
            case "java.lang.invoke.MethodHandle" -> name.startsWith("invoke")
                    ? "calling a method handle (MethodHandle." + name + ")" + UNSEEN : null;
            case "org.codehaus.groovy.runtime.MethodClosure" -> constructor
                    ? "making a closure of a method by its name (new MethodClosure)" + UNSEEN : null;
            case "groovy.util.Eval" -> "evaluating code (Eval." + name + ")" + UNSEEN;
            case "groovy.lang.GroovyShell", "groovy.lang.GroovyClassLoader" -> constructor
                    ? "evaluating code (new " + owner.substring(owner.lastIndexOf('.') + 1) + ")" + UNSEEN : null;
            case "java.lang.Runtime" -> switch (name) {
                case "exit", "halt" -> "Runtime." + name + EXIT;
                case "exec" -> "starting a process (Runtime.exec) is not allowed in a script: it" + OUTLIVES;
                default -> null;
            };
            case "java.lang.ProcessBuilder" -> name.equals("start") || name.equals("startPipeline")
                    ? "starting a process (ProcessBuilder." + name + ") is not allowed in a script: it" + OUTLIVES : null;
            case "org.codehaus.groovy.runtime.ProcessGroovyMethods" -> name.equals("execute")
                    ? "starting a process (execute()) is not allowed in a script: it" + OUTLIVES : null;
            case "java.lang.Thread" -> constructor || name.equals("start") || name.equals("startVirtualThread")
                    ? "starting a thread is not allowed in a script: it" + OUTLIVES : null;
            case "java.lang.Thread$Builder", "java.lang.Thread$Builder$OfPlatform", "java.lang.Thread$Builder$OfVirtual" ->
                    name.equals("start") || name.equals("unstarted") || name.equals("factory")
                            ? "starting a thread is not allowed in a script: it" + OUTLIVES : null;
            case "org.codehaus.groovy.runtime.DefaultGroovyStaticMethods" -> name.equals("start") || name.equals("startDaemon")
                    ? "starting a thread is not allowed in a script: it" + OUTLIVES : null;
            default -> null;
        };
    }
}
