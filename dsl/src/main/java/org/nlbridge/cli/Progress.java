package org.nlbridge.cli;

import java.io.PrintWriter;

import org.nlbridge.engine.Engine;
import org.nlbridge.spec.Change;

/**
 * A one-line progress display on stderr, {@code [12/480] + link veth...}, redrawn in place at most every 50 ms and
 * erased when done. Only for a terminal: when stderr is piped, {@link #forTerminal} gives the silent listener.
 */
final class Progress implements Engine.ProgressListener, AutoCloseable {

    private static final long INTERVAL_NANOS = 50_000_000L;
    private static final int WIDTH = 79;

    private final PrintWriter err;
    private long last;
    private boolean drawn;

    private Progress(PrintWriter err) {
        this.err = err;
    }

    static Progress forTerminal(Cli cli) {
        return cli.terminal() ? new Progress(cli.err()) : null;
    }

    @Override
    public void applied(int done, int total, Change change) {
        long now = System.nanoTime();
        if (done < total && drawn && now - last < INTERVAL_NANOS) return;
        last = now;
        String line = "[" + done + "/" + total + "] " + change;
        if (line.length() > WIDTH) line = line.substring(0, WIDTH - 3) + "...";
        err.print("\r\033[K" + line);
        err.flush();
        drawn = true;
    }

    @Override
    public void close() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
            drawn = false;
        }
    }
}
