package org.nlbridge.bench.peers;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.nlbridge.net.ValidationException;
import org.nlbridge.netlink.NetlinkException;

/**
 * The engine command of the peers harness ({@code bench/peers-engine}, see {@code /work/shared/peers/README.md}):
 * {@code attach} or {@code firewall}, configured by the harness's {@code PB_*} variables, done in this one process
 * with batched netlink. Prints {@code PB_PHASE} lines: {@code jvm_start} (process start to {@code main}),
 * {@code engine_open} ({@code main} to namespaces and sockets open, so class loading and linking the native
 * calls count here), {@code netlink} (the requests, with this thread's user and system CPU
 * time as {@code netlink_user} / {@code netlink_sys}), and finer ones.
 *
 * <p>Switches of our own: {@code PB_ENGINE_FULL=1} (attach: also masquerade, {@code lo} up, {@code arp_notify} and one
 * published port per container, as the CNI and netavark peers do), {@code PB_ENGINE_IPV6=keep} (leave IPv6 address
 * generation on the container interface on), {@code PB_ENGINE_CT=rtnl} (container side through one {@code Rtnl}
 * handle per container instead of one reused batch), {@code PB_ENGINE_HOST=rtnl} (veths from {@code VethSpec} through
 * {@code RtnlBatch}, without the one-queue setting), {@code PB_ENGINE_FW=rules} (firewall as linear rules),
 * {@code PB_ENGINE_ORDER=docker|late-up} (when the host ends come up: in the create, or after the containers; the
 * default is late-up for attach, docker for the full variant, see {@link Attach.Order}).
 *
 * <p>Exit codes as the contract says: 0 done, 3 scenario not supported, 1 failed (the reason on stderr).
 */
public final class PeersEngine {
    private PeersEngine() {}

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        double jvmStart = jvmStartSeconds();
        Phases phases = new Phases(System.out, t0);
        phases.print("jvm_start", jvmStart);
        String scenario = args.length > 0 ? args[args.length - 1] : "";
        int rc;
        try {
            Map<String, String> env = System.getenv();
            rc = switch (scenario) {
                case "attach" -> {
                    PeersEnv e = PeersEnv.read(scenario, env);
                    Attach.Order order = switch (env.getOrDefault("PB_ENGINE_ORDER", "")) {
                        case "docker" -> Attach.Order.UP_IN_CREATE;
                        case "late-up" -> Attach.Order.LATE_UP;
                        default -> e.full() ? Attach.Order.UP_IN_CREATE : Attach.Order.LATE_UP;
                    };
                    Attach a = new Attach(e, phases, "rtnl".equals(env.get("PB_ENGINE_CT")),
                            !"rtnl".equals(env.get("PB_ENGINE_HOST")), order, NsSource.NAMED).leaveSocketsToExit();
                    NsHopper.run(h -> {
                        a.run(h);
                        return null;
                    });
                    yield 0;
                }
                case "firewall" -> {
                    PeersEnv e = PeersEnv.read(scenario, env);
                    PublishedPorts.Mode mode = "rules".equals(env.get("PB_ENGINE_FW"))
                            ? PublishedPorts.Mode.RULES : PublishedPorts.Mode.MAP;
                    Firewall f = new Firewall(e, phases, mode, NsSource.NAMED);
                    NsHopper.run(h -> {
                        f.run(h);
                        return null;
                    });
                    yield 0;
                }
                case "train" -> {
                    Training.run();
                    yield 0;
                }
                default -> {
                    System.err.println("peers-engine: scenario '" + scenario + "' not supported (attach, firewall)");
                    yield 3;
                }
            };
        } catch (ValidationException | NetlinkException e) {
            System.err.println("peers-engine " + scenario + ": " + e.getMessage());
            rc = 1;
        } catch (Exception e) {
            System.err.println("peers-engine " + scenario + ": failed");
            e.printStackTrace();
            rc = 1;
        }
        phases.since("engine_total", t0);
        System.out.flush();
        System.err.flush();
        // The training run exits normally: the JVM writes the AOT cache at exit. A measured run halts: System.exit
        // runs Runtime.exit's event logging and the shutdown hooks, 20-35 ms of interpreted code after the work
        // (strace: the main thread runs on, feeding the compiler queue, after its last phase line), and this
        // command has nothing to shut down (its sockets close with the process).
        if ("train".equals(scenario)) System.exit(rc);
        Runtime.getRuntime().halt(rc);
    }

    /**
     * Seconds from the start of the command to here. The launcher script passes its own start time
     * ({@code PB_ENGINE_T0}, bash's {@code EPOCHREALTIME}, microseconds); otherwise the process start time, which the
     * kernel keeps in clock ticks (10 ms).
     */
    static double jvmStartSeconds() {
        Instant now = Instant.now();
        Instant start = null;
        String t0 = System.getenv("PB_ENGINE_T0");
        if (t0 != null && !t0.isEmpty()) {
            try {
                int dot = t0.indexOf('.');
                long secs = Long.parseLong(dot < 0 ? t0 : t0.substring(0, dot));
                long micros = dot < 0 ? 0 : Long.parseLong((t0.substring(dot + 1) + "000000").substring(0, 6));
                start = Instant.ofEpochSecond(secs, micros * 1000);
            } catch (NumberFormatException e) {
                start = null;
            }
        }
        if (start == null) {
            Optional<Instant> s = ProcessHandle.current().info().startInstant();
            if (s.isEmpty()) return -1;
            start = s.get();
        }
        return Duration.between(start, now).toNanos() / 1e9;
    }
}
