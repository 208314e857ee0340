package org.nlbridge.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code nlbridge version}: the project version, the JVM and the kernel. */
@Command(name = "version", description = "Print the nlbridge, Java and kernel versions.")
public final class VersionCommand implements Runnable {

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    /**
     * The lines, built without lambdas or string concatenation's bootstrap (both spin classes at run time, more
     * than the rest of {@code version} loads): {@code java.runtime.version} is the text {@code Runtime.version()}
     * parses and prints back.
     */
    static String[] lines() {
        return new String[] {
            "nlbridge ".concat(version()),
            new StringBuilder("java ").append(System.getProperty("java.runtime.version")).append(" (")
                    .append(System.getProperty("java.vm.vendor")).append(')').toString(),
            new StringBuilder("kernel ").append(System.getProperty("os.name")).append(' ')
                    .append(System.getProperty("os.version")).append(' ').append(System.getProperty("os.arch")).toString(),
        };
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        for (String l : lines()) spec.commandLine().getOut().println(l);
        spec.commandLine().getOut().flush();
    }

    /** Makes {@code nlbridge --version} print the same lines. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return lines();
        }
    }
}
