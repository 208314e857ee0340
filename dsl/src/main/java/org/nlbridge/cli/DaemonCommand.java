package org.nlbridge.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.nlbridge.client.DaemonAddress;
import org.nlbridge.cluster.ClusterOptions;
import org.nlbridge.daemon.Daemon;
import org.nlbridge.daemon.PluginSockets;
import org.nlbridge.daemon.http.Limits;
import org.nlbridge.net.tls.Tls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code nlbridge daemon}: the engine as a long-running process, Docker's {@code dockerd -H}. Listens on Unix
 * sockets (0660, root and {@code --group}) and, only with mutual TLS, on TCP; applies requests one at a time;
 * watches the host namespace and repairs drift; stops on SIGTERM leaving the network as it is.
 */
@Command(name = "daemon", mixinStandardHelpOptions = true, description = {
        "Run the engine as a daemon: serve the API on -H (default " + DaemonAddress.DEFAULT + "; unix:// sockets are"
                + " created 0660 root:root or --group; tcp:// only with --tlscacert/--tlscert/--tlskey, client"
                + " certificates required), watch the host namespace, repair drift. SIGTERM stops it and leaves the"
                + " network as it is; the next start adopts it.",
        "Global options: --host-netns and --state choose the host namespace and state directory it manages."})
final class DaemonCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--group", paramLabel = "NAME", description = "Group of the Unix sockets (default: root's).")
    String group;

    @Option(names = "--docker-plugin", paramLabel = "PATH", arity = "0..1", fallbackValue = PluginSockets.DEFAULT,
            description = "Also serve Docker's network and IPAM plugin protocol (docker network create -d nlbridge,"
                    + " --ipam-driver nlbridge) on this Unix socket (0660 like -H's; repeatable). Without PATH:"
                    + " ${FALLBACK-VALUE}, where dockerd finds it.")
    List<Path> dockerPlugins = new ArrayList<>();

    @Option(names = "--debounce-ms", paramLabel = "MS", defaultValue = "100",
            description = "How long changes in the host namespace are gathered before one drift repair (default 100).")
    long debounceMillis;

    @Option(names = "--cluster-store", paramLabel = "etcd://HOST:PORT[,HOST:PORT...]",
            description = "The cluster store (etcd 3.4+) that overlay networks keep their state in (Docker's"
                    + " --cluster-store); needs --cluster-advertise.")
    String clusterStore;

    @Option(names = "--cluster-store-opt", paramLabel = "KEY=VALUE",
            description = "cacert=FILE, cert=FILE, key=FILE (mutual TLS to etcd, all three), timeout=5s (each call's"
                    + " deadline), discovery.ttl=20 (seconds a silent host stays in the cluster before its containers"
                    + " are withdrawn everywhere). Repeatable, or comma-separated.")
    List<String> clusterStoreOpts = new ArrayList<>();

    @Option(names = "--cluster-advertise", paramLabel = "IP|IFNAME",
            description = "This host's underlay address, which other hosts send VXLAN to: an IPv4 address of the host"
                    + " namespace, or an interface whose first IPv4 address is used (Docker's --cluster-advertise).")
    String clusterAdvertise;

    @Option(names = "--monitor-rcvbuf", paramLabel = "BYTES", defaultValue = "0", hidden = true,
            description = "Receive queue of the monitor sockets (tests provoke ENOBUFS with a tiny one).")
    int monitorBuffer;

    // the API server's budgets and deadlines (Limits): defaults from Limits.DEFAULTS, so that --help shows them

    @Option(names = "--max-connections", paramLabel = "N", description = "Open connections in all (default ${DEFAULT-VALUE});"
            + " when full, the one that has waited longest for a request is closed for a new one.")
    int maxConnections = Limits.DEFAULTS.connections();

    @Option(names = "--max-connections-per-client", paramLabel = "N", description = "Open connections of one client: a Unix"
            + " peer's user, a TCP peer's address (default ${DEFAULT-VALUE}).")
    int maxConnectionsPerClient = Limits.DEFAULTS.connectionsPerClient();

    @Option(names = "--max-requests", paramLabel = "N", description = "Requests answered at once, event streams aside"
            + " (default ${DEFAULT-VALUE}); more get 503 with Retry-After.")
    int maxRequests = Limits.DEFAULTS.requests();

    @Option(names = "--max-requests-per-client", paramLabel = "N", description = "Requests of one client answered at once"
            + " (default ${DEFAULT-VALUE}).")
    int maxRequestsPerClient = Limits.DEFAULTS.requestsPerClient();

    @Option(names = "--max-streams", paramLabel = "N", description = "Event streams open at once (default ${DEFAULT-VALUE}).")
    int maxStreams = Limits.DEFAULTS.streams();

    @Option(names = "--max-streams-per-client", paramLabel = "N", description = "Event streams of one client (default"
            + " ${DEFAULT-VALUE}).")
    int maxStreamsPerClient = Limits.DEFAULTS.streamsPerClient();

    @Option(names = "--reserved-requests", paramLabel = "N", description = "/_ping and version requests answered at once,"
            + " and as many status requests, beside --max-requests, so that they are answered whatever other clients hold"
            + " (default ${DEFAULT-VALUE}).")
    int reserved = Limits.DEFAULTS.reserved();

    @Option(names = "--header-timeout", paramLabel = "DURATION", converter = Units.DurationConverter.class,
            description = "Time for a request head from its first byte, or from the connection's accept (TLS handshake"
                    + " included) (default 20s); a slower client gets 408 and is closed.")
    Duration headerTimeout = Limits.DEFAULTS.headerTimeout();

    @Option(names = "--body-timeout", paramLabel = "DURATION", converter = Units.DurationConverter.class,
            description = "Time for a request body after its head (default 30s).")
    Duration bodyTimeout = Limits.DEFAULTS.bodyTimeout();

    @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = Units.DurationConverter.class,
            description = "How long a connection may wait for its next request (default 60s).")
    Duration idleTimeout = Limits.DEFAULTS.idleTimeout();

    @Option(names = "--write-timeout", paramLabel = "DURATION", converter = Units.DurationConverter.class,
            description = "How long a write to a client may block before the connection is closed (default 30s).")
    Duration writeTimeout = Limits.DEFAULTS.writeTimeout();

    @Option(names = "--backlog", paramLabel = "N", description = "Listen backlog of each socket (default ${DEFAULT-VALUE};"
            + " the kernel caps it at net.core.somaxconn).")
    int backlog = Limits.DEFAULTS.backlog();

    Limits limits() {
        return new Limits(maxConnections, maxConnectionsPerClient, maxRequests, maxRequestsPerClient, maxStreams,
                maxStreamsPerClient, reserved, headerTimeout, bodyTimeout, idleTimeout, writeTimeout, backlog);
    }

    @Override
    public Integer call() throws Exception {
        List<DaemonAddress> hosts = new ArrayList<>();
        for (String h : main.hosts.isEmpty() ? List.of(DaemonAddress.DEFAULT) : main.hosts) hosts.add(DaemonAddress.parse("-H", h));
        Tls tls = null;
        if (main.tlsCaCert != null || main.tlsCert != null || main.tlsKey != null) {
            if (main.tlsCaCert == null || main.tlsCert == null || main.tlsKey == null) {
                throw new CliException("mutual TLS needs all three of --tlscacert, --tlscert and --tlskey");
            }
            tls = new Tls(main.tlsCaCert, main.tlsCert, main.tlsKey);
        }
        if (debounceMillis < 0 || debounceMillis > 10_000) throw new CliException("--debounce-ms must be 0..10000");
        ClusterOptions cluster = null;
        if (clusterStore != null) {
            cluster = ClusterOptions.parse(clusterStore, clusterStoreOpts, clusterAdvertise, null);
        } else if (clusterAdvertise != null || !clusterStoreOpts.isEmpty()) {
            throw new CliException("--cluster-advertise and --cluster-store-opt need --cluster-store etcd://HOST:PORT");
        }
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL nlbridge: %5$s%6$s%n");
        Limits limits = limits();
        Daemon daemon = Daemon.start(new Daemon.Options(hosts, group, tls, main.hostNetns, main.stateDir, monitorBuffer,
                Duration.ofMillis(debounceMillis), cluster, limits, dockerPlugins), main.cli().engines()::open);
        Thread hook = Thread.ofPlatform().name("nlbridge-shutdown").unstarted(daemon::close);
        Runtime.getRuntime().addShutdownHook(hook);
        List<String> listening = new ArrayList<>(hosts.stream().map(Object::toString).toList());
        dockerPlugins.forEach(p -> listening.add("unix://" + p + " (Docker plugin)"));
        main.cli().out().println("nlbridge daemon: pid " + ProcessHandle.current().pid() + ", listening on "
                + String.join(", ", listening));
        main.cli().out().flush();
        daemon.awaitStop();
        return 0;
    }
}
