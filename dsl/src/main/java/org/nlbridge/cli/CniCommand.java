package org.nlbridge.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.nlbridge.cni.CniException;
import org.nlbridge.cni.CniInstall;
import org.nlbridge.cni.Conflist;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code nlbridge cni}: the CNI plugin's installation and network configs. */
@Command(name = "cni", mixinStandardHelpOptions = true, description = "The CNI plugin (type \"nlbridge\") that makes"
        + " nlbridge the network of podman, containerd and other CNI runtimes, through the daemon.",
        subcommands = {CniCommand.Install.class, CniCommand.ConflistCommand.class})
final class CniCommand implements Runnable {

    @ParentCommand
    Main main;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(main.cli().out());
    }

    @Command(name = "install", mixinStandardHelpOptions = true, description = "Write the plugin executable DIR/nlbridge"
            + " (self-contained: it needs only the JDK this runs on) and its AOT cache DIR/nlbridge.aot.")
    static final class Install implements Callable<Integer> {
        @ParentCommand
        CniCommand cni;

        @Parameters(index = "0", paramLabel = "DIR", description = "The runtime's CNI plugin directory, e.g. /opt/cni/bin.")
        Path dir;

        @Option(names = "--no-aot", description = "Do not train the AOT cache DIR/nlbridge.aot (JDK 25): each call then"
                + " costs about a third more CPU.")
        boolean noAot;

        @Override
        public Integer call() throws Exception {
            Path javaHome = Path.of(System.getProperty("java.home"));
            Path plugin = CniInstall.install(dir, javaHome);
            String line = "installed " + plugin + " (runs " + javaHome.resolve("bin/java") + ")";
            if (!noAot) {
                try {
                    line += "; AOT cache " + CniInstall.trainAot(plugin, javaHome);
                } catch (java.io.IOException e) {
                    line += "; no AOT cache (" + e.getMessage() + ")";
                }
            }
            main().cli().out().println(line);
            main().cli().out().flush();
            return 0;
        }

        private Main main() {
            return cni.main;
        }
    }

    @Command(name = "conflist", mixinStandardHelpOptions = true, description = "Print a .conflist for /etc/cni/net.d:"
            + " the nlbridge network NAME with the given network keys.")
    static final class ConflistCommand implements Callable<Integer> {
        @ParentCommand
        CniCommand cni;

        @Parameters(index = "0", paramLabel = "NAME", description = "The network's name (the nlbridge network).")
        String name;

        @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "Network keys: bridge=nlb0 bip=10.88.0.1/16"
                + " fixedCidr=... fixedCidrV6=... mtu=1400 icc=false ipMasq=true internal=false firewall=nftables"
                + " macFromIp=false driver=bridge defaultRoute=true")
        List<String> keys = new ArrayList<>();

        @Option(names = "--socket", paramLabel = "ADDR", description = "The daemon's socket (default unix:///run/nlbridge.sock).")
        String socket;

        @Option(names = "--cni-version", paramLabel = "V", defaultValue = "1.0.0",
                description = "The conflist's cniVersion (default 1.0.0: podman 4.3 and containerd 1.6 take no newer).")
        String cniVersion;

        @Override
        public Integer call() {
            String text;
            try {
                text = Conflist.of(name, socket, cniVersion, keys);
            } catch (CniException e) {
                throw new CliException(e.getMessage());
            }
            cni.main.cli().out().print(text);
            cni.main.cli().out().flush();
            return 0;
        }
    }
}
