package org.nlbridge.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.nlbridge.driver.run.NetnsLauncher;
import org.nlbridge.engine.Engine;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.Plan;
import org.nlbridge.dsl.LoadedScript;
import org.nlbridge.dsl.ScriptLoader;
import org.nlbridge.engine.HostNamespace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The subcommands. Each loads and checks its script completely before it opens the engine. */
final class Commands {
    private Commands() {}

    /** Exit code of {@code plan} when there is something to do (Terraform's -detailed-exitcode). */
    static final int CHANGES = 2;

    /** The part every script command shares. */
    abstract static class ScriptCommand implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Parameters(index = "0", paramLabel = "FILE", description = "The nlbridge script (Groovy).")
        Path file;

        @Mixin
        ScriptOptions scriptOptions = new ScriptOptions();

        /**
         * The script's desired state, within its budget; a container whose netns is the host namespace is refused
         * here when the engine runs in this process (a daemon checks against its own host namespace).
         */
        DesiredState load() {
            return script().desired();
        }

        /** The same, with where the script declares what: the engine's refusals are reported at its lines. */
        LoadedScript script() {
            ScriptLoader loader = main.cli().scripts().withBudget(scriptOptions.budget(main.cli().env()));
            if (main.daemon() == null) loader = loader.withCheck(HostNamespace.of(main.hostNetns)::check);
            return loader.script(file);
        }

        void print(String text) {
            main.cli().out().print(text);
            main.cli().out().flush();
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, description = "Compile and validate the script"
            + " without touching the kernel or the state: what it declares, or the first error at its line.")
    static final class CheckCommand extends ScriptCommand {
        @Override
        public Integer call() {
            DesiredState desired = load();
            print(main.output == Output.Format.json ? Output.json(Output.summary(file.toString(), desired))
                    : file + ": ok, " + Output.count(desired.networks().size(), "network") + ", "
                    + Output.count(desired.containers().size(), "container") + ", "
                    + Output.count(desired.userRules().rules().size(), "user hook rule") + "\n");
            return 0;
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true, description = {
            "Print the operations apply would perform (links, addresses, routes, nft objects, files) against the"
                    + " current kernel and state, changing nothing.",
            "Exit code: 0 no changes, 2 changes, 1 error."})
    static final class PlanCommand extends ScriptCommand {
        @Option(names = "--destroy", description = "Plan what destroy would remove instead.")
        boolean destroy;

        @Override
        public Integer call() {
            return script().run(desired -> {
                try (Engine engine = main.openEngine()) {
                    Plan plan = destroy ? engine.planDestroy(desired) : engine.plan(desired);
                    print(Output.plan(destroy ? Output.Verb.PLAN_DESTROY : Output.Verb.PLAN, file.toString(), plan,
                            main.output));
                    return plan.isEmpty() ? 0 : CHANGES;
                }
            });
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true, description = "Converge the kernel and the state to the script; print what changed.")
    static final class ApplyCommand extends ScriptCommand {
        @Override
        public Integer call() {
            return script().run(desired -> {
                try (Engine engine = main.openEngine(true); Progress progress = Progress.forTerminal(main.cli())) {
                    Plan done = engine.apply(desired, progress != null ? progress : Engine.ProgressListener.NONE);
                    if (progress != null) progress.close();
                    print(Output.plan(Output.Verb.APPLY, file.toString(), done, main.output));
                    return 0;
                }
            });
        }
    }

    @Command(name = "destroy", mixinStandardHelpOptions = true, description = "Remove everything the script owns (never a useBridge bridge, never"
            + " the user hook's rules); print what was removed.")
    static final class DestroyCommand extends ScriptCommand {
        @Override
        public Integer call() {
            return script().run(desired -> {
                try (Engine engine = main.openEngine(true); Progress progress = Progress.forTerminal(main.cli())) {
                    Plan done = engine.destroy(desired, progress != null ? progress : Engine.ProgressListener.NONE);
                    if (progress != null) progress.close();
                    print(Output.plan(Output.Verb.DESTROY, file.toString(), done, main.output));
                    return 0;
                }
            });
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Networks, containers, addresses, MACs, published ports with packet"
            + " counters, and generated files.")
    static final class StatusCommand implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Override
        public Integer call() {
            try (Engine engine = main.openEngine()) {
                main.cli().out().print(Output.status(engine.status(), main.output));
                main.cli().out().flush();
                return 0;
            }
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = {
            "Run CMD inside the container's network namespace, with its resolv.conf, hosts and hostname mounted"
                    + " over /etc in a private mount namespace. Everything after CONTAINER is the command; a"
                    + " leading -- is dropped.",
            "Exit code: CMD's (125: the launcher failed, 126: CMD cannot run, 127: CMD not found)."})
    static final class RunCommand implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Parameters(index = "0", paramLabel = "CONTAINER", description = "A container of an applied script.")
        String container;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "The command and its arguments.")
        List<String> command;

        @Override
        public Integer call() throws InterruptedException {
            List<String> argv = !command.isEmpty() && command.getFirst().equals("--") ? command.subList(1, command.size())
                    : command;
            if (argv.isEmpty()) throw new CliException("run: no command given after " + container);
            Engine.ContainerRuntime runtime;
            try (Engine engine = main.openEngine()) {
                runtime = engine.runtime(container);
            }
            NetnsLauncher launcher = NetnsLauncher.inNamespace(runtime.netns()).mounts(runtime.mounts()).command(argv);
            if (runtime.hostname() != null) launcher.hostname(runtime.hostname());
            return main.cli().launcher().run(launcher);
        }
    }
}
