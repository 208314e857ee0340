package org.nlbridge.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.nlbridge.net.ValidationException;

/**
 * Where a daemon listens, as {@code -H} takes it (Docker's spelling): {@code unix:///run/nlbridge.sock} or
 * {@code tcp://HOST:PORT} (always with mutual TLS).
 *
 * @param socket the Unix socket's path (absolute), or null for TCP
 * @param host   the TCP host (a name or an address literal), or null for a Unix socket
 * @param port   the TCP port, or 0
 */
public record DaemonAddress(Path socket, String host, int port) {

    /** Docker's {@code /var/run/docker.sock}, in nlbridge's name. */
    public static final String DEFAULT = "unix:///run/nlbridge.sock";

    static final String ACCEPTED = "unix:///absolute/path.sock or tcp://HOST:PORT";

    public static DaemonAddress parse(String field, String text) {
        if (text == null || text.isBlank()) throw new ValidationException(field, text, "no address given", ACCEPTED);
        if (text.startsWith("unix://")) {
            String p = text.substring("unix://".length());
            if (!p.startsWith("/")) throw new ValidationException(field, text, "the socket path is not absolute", ACCEPTED);
            if (p.indexOf('\0') >= 0 || p.contains("\n")) throw new ValidationException(field, text, "a control character in the path", ACCEPTED);
            Path path = Path.of(p).normalize();
            if (!path.toString().equals(p) || path.getFileName() == null) {
                throw new ValidationException(field, text, "the path is not in normal form (no //, . or .. parts, no trailing /)", ACCEPTED);
            }
            if (p.getBytes(StandardCharsets.UTF_8).length > 107) {
                throw new ValidationException(field, text, "longer than a Unix socket path may be (107 bytes)", ACCEPTED);
            }
            return new DaemonAddress(path, null, 0);
        }
        if (text.startsWith("tcp://")) {
            URI u;
            try {
                u = new URI(text);
            } catch (URISyntaxException e) {
                throw new ValidationException(field, text, "not a URI: " + e.getReason(), ACCEPTED);
            }
            if (u.getHost() == null || u.getPort() <= 0 || u.getPort() > 65535
                    || (u.getRawPath() != null && !u.getRawPath().isEmpty()) || u.getRawQuery() != null || u.getRawUserInfo() != null) {
                throw new ValidationException(field, text, "not tcp://HOST:PORT", ACCEPTED);
            }
            String h = u.getHost();
            if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
            return new DaemonAddress(null, h, u.getPort());
        }
        throw new ValidationException(field, text, "unsupported scheme (fd:// and ssh:// are not served)", ACCEPTED);
    }

    public boolean isUnix() {
        return socket != null;
    }

    @Override
    public String toString() {
        if (isUnix()) return "unix://" + socket;
        return "tcp://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
