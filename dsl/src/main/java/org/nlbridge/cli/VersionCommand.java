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

    static String[] lines() {
        return new String[] {
            "nlbridge " + version(),
            "java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")",
            "kernel " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
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
