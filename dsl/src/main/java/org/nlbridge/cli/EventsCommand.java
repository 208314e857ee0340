package org.nlbridge.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import org.nlbridge.client.ApiJson;
import org.nlbridge.client.DaemonAddress;
import org.nlbridge.client.Event;
import org.nlbridge.client.RemoteEngine;

/** {@code nlbridge events}: follows a daemon's event stream, Docker's {@code docker events}. */
@Command(name = "events", mixinStandardHelpOptions = true, description = {
        "Follow the daemon's events (needs -H or NLBRIDGE_HOST): links, addresses, routes and nf_tables commits in"
                + " the host namespace, what the engine did, drift detected and repaired, monitor overruns.",
        "One line per event (-o json: one JSON document per line); runs until interrupted or --count events."})
final class EventsCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--since", paramLabel = "SEQ", defaultValue = "0",
            description = "Replay the kept events after SEQ first (-1: all kept; default 0: only new ones).")
    long since;

    @Option(names = "--type", paramLabel = "TYPE", split = ",",
            description = "Only these types: link, address, route, nft, engine, drift, monitor, daemon.")
    List<String> types = new ArrayList<>();

    @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "Stop after N events (default: never).")
    long count;

    @Override
    public Integer call() {
        DaemonAddress remote = main.daemon();
        if (remote == null) {
            throw new CliException("events come from a running daemon: give -H (e.g. -H " + DaemonAddress.DEFAULT
                    + ") or set NLBRIDGE_HOST");
        }
        for (String t : types) {
            if (!Event.TYPES.contains(t)) {
                throw new CliException("--type " + t + ": unknown event type; expected one of "
                        + String.join(", ", Event.TYPES.stream().sorted().toList()));
            }
        }
        AtomicLong seen = new AtomicLong();
        try (RemoteEngine engine = (RemoteEngine) main.openEngine()) {
            engine.events(since, types, e -> {
                main.cli().out().print(main.output == Output.Format.json ? ApiJson.write(e.toJson()) + "\n" : e.toText());
                main.cli().out().flush();
                return count <= 0 || seen.incrementAndGet() < count;
            });
        }
        return 0;
    }
}
