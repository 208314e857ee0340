package org.nlbridge.daemon;

import java.io.IOException;
import java.nio.file.Path;

import org.nlbridge.client.DaemonAddress;
import org.nlbridge.net.ValidationException;

/**
 * What {@link Daemon#start} refuses before it touches anything (the state directory, the engine, a socket): no
 * address, a TCP address without mutual TLS, a socket path or a Docker plugin socket path the listener would refuse,
 * an unknown group.
 */
final class StartChecks {
    private StartChecks() {}

    static void refuseEarly(Daemon.Options o) throws IOException {
        if (o.hosts().isEmpty()) throw new ValidationException("-H", null, "no address", DaemonAddress.DEFAULT);
        for (DaemonAddress a : o.hosts()) {
            if (!a.isUnix() && o.tls() == null) {
                throw new UnixListener.RefusedException("refusing to listen on " + a + " without mutual TLS: give"
                        + " --tlscacert, --tlscert and --tlskey (the API is root on this host)");
            }
        }
        for (DaemonAddress a : o.hosts()) if (a.isUnix()) UnixListener.check(a.socket());
        for (Path p : o.dockerPlugins()) UnixListener.check(PluginSockets.prepare(p));
        if (o.group() != null) UnixListener.group(o.group());
    }
}
