package org.nlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 9: a script that runs away, eats memory or tries to end the process is stopped with one line at
 * its line, exit code 1, and nothing applied (the engine is never opened); a container whose netns is the host's
 * is refused before anything is changed.
 */
class ScriptFaultTest {

    @TempDir
    Path tmp;
    CliRun cli = new CliRun();

    private String script(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text).toString();
    }

    /** The command failed with exactly {@code err} (after "nlbridge: FILE"), exit 1, and the engine never opened. */
    private void fails(String err, CliRun.Result r) {
        assertEquals(new CliRun.Result(1, "", "nlbridge: " + tmp + "/" + err + "\n"), r);
        assertEquals(0, cli.engine.opened, "nothing applied: the engine was never opened");
        assertEquals(List.of(), cli.engine.calls);
    }

    @Test
    void aLoopThatNeverEndsIsStoppedAtItsLine() throws IOException {
        // the loop on one line: where it is stopped, its condition or its body, is the same line
        String f = script("loop.groovy", "network 'bridge'\nint n = 0\nwhile (true) { n++ }\n");
        fails("loop.groovy:3: the script ran longer than 1 s (--script-timeout)",
                cli.run("apply", f, "--script-timeout", "1s"));
        cli.env = Map.of("NLBRIDGE_SCRIPT_TIMEOUT", "1500ms");
        fails("loop.groovy:3: the script ran longer than 1500 ms (--script-timeout)", cli.run("check", f));
    }

    @Test
    void aLoopThatCatchesEverythingIsStoppedToo() throws IOException {
        String f = script("stubborn.groovy", "network 'bridge'\nwhile (true) {\n    try { while (true) { } } catch (Throwable t) { }\n}\n");
        CliRun.Result r = cli.run("plan", f, "--script-timeout", "1s");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().matches("nlbridge: \\Q" + tmp + "\\E/stubborn.groovy:[23]: the script ran longer than 1 s"
                + " \\(--script-timeout\\)\n"), r.err());
        assertEquals(0, cli.engine.opened);
    }

    @Test
    void aScriptThatAllocatesWithoutEndIsStoppedAtItsBudget() throws IOException {
        String f = script("mem.groovy", "network 'bridge'\ndef keep = []\nwhile (true) { keep << new byte[1 << 20] }\n");
        fails("mem.groovy:3: the script allocated more than 64 MiB (--script-memory)",
                cli.run("apply", f, "--script-memory", "64m"));
        // garbage counts too: the budget bounds what a script allocates, so what it can hold
        String g = script("garbage.groovy", "network 'bridge'\nlong n = 0\nwhile (true) { n += new byte[1 << 20].length }\n");
        fails("garbage.groovy:3: the script allocated more than 64 MiB (--script-memory)",
                cli.run("check", g, "--script-memory", "64MiB"));
    }

    @Test
    void exitHaltThreadsAndProcessesAreCompileErrors() throws IOException {
        String stop = " is not allowed in a script: a script only declares networks and containers, and cannot end"
                + " nlbridge; to stop with an error, throw an exception (like throw new IllegalStateException('why'))";
        String outlives = " is not allowed in a script: it would outlive the script and its time and memory budget"
                + " (--script-timeout, --script-memory), and check and plan must change nothing";
        fails("exit.groovy:2: System.exit" + stop, cli.run("apply", script("exit.groovy", "network 'bridge'\nSystem.exit(0)\n")));
        fails("halt.groovy:3: Runtime.halt" + stop, cli.run("apply", script("halt.groovy",
                "network 'bridge'\n[1].each {\n    Runtime.getRuntime().halt(0)\n}\n")));
        fails("rexit.groovy:2: Runtime.exit" + stop, cli.run("apply", script("rexit.groovy",
                "network 'bridge'\nRuntime.runtime.exit(3)\n")));
        fails("thread.groovy:2: starting a thread" + outlives, cli.run("plan", script("thread.groovy",
                "network 'bridge'\nThread.start { }\n")));
        fails("thread2.groovy:2: starting a thread" + outlives, cli.run("plan", script("thread2.groovy",
                "network 'bridge'\nnew Thread({ -> })\n")));
        fails("vthread.groovy:2: starting a thread" + outlives, cli.run("plan", script("vthread.groovy",
                "network 'bridge'\nThread.ofVirtual().start({ -> } as Runnable)\n")));
        fails("exec.groovy:2: starting a process (execute())" + outlives, cli.run("check", script("exec.groovy",
                "network 'bridge'\n'ip link add x type dummy'.execute()\n")));
        fails("pb.groovy:2: starting a process (ProcessBuilder.start)" + outlives, cli.run("check", script("pb.groovy",
                "network 'bridge'\nnew ProcessBuilder('true').start()\n")));
        fails("rt.groovy:2: starting a process (Runtime.exec)" + outlives, cli.run("check", script("rt.groovy",
                "network 'bridge'\nRuntime.getRuntime().exec(['true'] as String[])\n")));
    }

    @Test
    void threadsTheScriptMerelyLooksAtAreFine() throws IOException {
        String f = script("ok.groovy", "String who = Thread.currentThread().name\nnetwork('bridge') { mtu 1400 }\n");
        assertEquals(0, cli.run("check", f).code());
    }

    /** Runs the command line in a new JVM (as users do); returns its exit code, stdout and stderr. */
    private CliRun.Result jvm(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("out").toFile())
                .redirectError(tmp.resolve("err").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the command line finished");
        return new CliRun.Result(p.exitValue(), Files.readString(tmp.resolve("out")), Files.readString(tmp.resolve("err")));
    }

    /**
     * The usual indirect ways to a refused call are refused at compile time too: reflection, method handles, calls
     * by name, method pointers and references, evaluating code, and marking code to skip the checks. Without this,
     * each of these scripts halted the JVM with status 0 having applied nothing.
     */
    @Test
    void indirectWaysToHaltAreCompileErrors() throws IOException {
        String stop = "Runtime.halt is not allowed in a script: a script only declares networks and containers, and"
                + " cannot end nlbridge; to stop with an error, throw an exception (like throw new"
                + " IllegalStateException('why'))";
        String unseen = " is not allowed in a script: the checks that keep a script from ending nlbridge or outliving its"
                + " time and memory budget cannot see where such a call goes";
        String marked = "turning the compile-time checks off or on (@CompileDynamic, @CompileStatic, @TypeChecked) is not"
                + " allowed in a script: a script is checked as a whole (its keys, and the calls that would end nlbridge"
                + " or outlive its time and memory budget)";
        fails("p.groovy:2: " + stop, cli.run("apply", script("p.groovy",
                "network 'bridge'\ndef h = Runtime.runtime.&halt\nh(0)\n")));
        fails("r.groovy:2: " + stop, cli.run("apply", script("r.groovy",
                "network 'bridge'\ndef h = Runtime.runtime::halt\nh(0)\n")));
        fails("m.groovy:2: calling a method by reflection (Method.invoke)" + unseen, cli.run("apply", script("m.groovy",
                "network 'bridge'\nRuntime.getMethod('halt', int).invoke(Runtime.runtime, 0)\n")));
        fails("n.groovy:2: calling a method by its name (invokeMethod)" + unseen, cli.run("apply", script("n.groovy",
                "network 'bridge'\nRuntime.runtime.invokeMethod('halt', 0)\n")));
        fails("h.groovy:3: calling a method handle (MethodHandle.invokeWithArguments)" + unseen, cli.run("apply",
                script("h.groovy", "network 'bridge'\ndef h = java.lang.invoke.MethodHandles.publicLookup().findVirtual("
                        + "Runtime, 'halt', java.lang.invoke.MethodType.methodType(void, int))\n"
                        + "h.invokeWithArguments(Runtime.runtime, 0)\n")));
        fails("c.groovy:2: making a closure of a method by its name (new MethodClosure)" + unseen, cli.run("apply",
                script("c.groovy", "network 'bridge'\nnew org.codehaus.groovy.runtime.MethodClosure(Runtime.runtime, 'halt')(0)\n")));
        fails("e.groovy:2: evaluating code (Eval.me)" + unseen, cli.run("apply", script("e.groovy",
                "network 'bridge'\nEval.me('Runtime.runtime.halt(0)')\n")));
        fails("s.groovy:2: evaluating code (new GroovyShell)" + unseen, cli.run("apply", script("s.groovy",
                "network 'bridge'\nnew GroovyShell().evaluate('Runtime.runtime.halt(0)')\n")));
        fails("d.groovy:2: " + marked, cli.run("apply", script("d.groovy",
                "network 'bridge'\n@groovy.transform.CompileDynamic\ndef f() { Runtime.runtime.halt(0) }\nf()\n")));
        fails("k.groovy:2: " + marked, cli.run("apply", script("k.groovy", "network 'bridge'\n@groovy.transform.CompileDynamic\n"
                + "class X { static void f() { Runtime.runtime.halt(0) } }\nX.f()\n")));
    }

    /**
     * System.exit where no compile-time check sees it (here: in code Groovy's own command line evaluates) is an
     * error all the same: exit 1, one line.
     */
    @Test
    void anExitTheCompilerCannotSeeIsAnErrorNotAnExit() throws Exception {
        String f = script("sneaky.groovy", "network 'bridge'\ngroovy.ui.GroovyMain.main(['-e', 'System.exit(0)'] as String[])\n");
        // a host namespace that does not exist: had the script gone on, the engine could not have touched anything
        CliRun.Result r = jvm(List.of(), "apply", f, "--host-netns", "nlbt-none-" + ProcessHandle.current().pid(),
                "--state", tmp.resolve("state").toString());
        assertEquals(new CliRun.Result(1, "", "nlbridge: " + f + ":2: the script called System.exit or Runtime.exit; a"
                + " script cannot end nlbridge, so it stopped here with an error and applied nothing\n"), r);
        assertTrue(!Files.exists(tmp.resolve("state")), "the engine was never opened");
    }

    @Test
    void runningOutOfHeapIsOneLine() throws Exception {
        String f = script("heap.groovy", "network 'bridge'\ndef keep = []\nwhile (true) {\n    keep << new long[1 << 16]\n}\n");
        CliRun.Result r = jvm(List.of("-Xmx64m", "-XX:+UseSerialGC"), "check", f, "--script-memory", "0");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().matches("nlbridge: \\Q" + f + "\\E:4: the script ran out of memory \\(Java heap space, in a JVM"
                + " heap of at most 6[0-4] MiB\\)\n"), r.err());
    }

    @Test
    void aContainerInTheHostNamespaceIsRefused() throws IOException {
        String f = script("host.groovy", "network 'bridge'\ncontainer('web') {\n    netns 'hostns'\n}\n");
        fails("host.groovy:2: invalid container web: netns \"hostns\": it is the host namespace (--host-netns hostns),"
                + " where the container's eth0 and default route would land; expected a namespace of the container's own"
                + " (network 'host' is the way to share the host's)", cli.run("apply", f, "--host-netns", "hostns"));
        assertEquals(0, cli.run("check", f).code(), "another host namespace: nothing to refuse");
    }
}
