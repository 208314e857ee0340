package org.nlbridge.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.nlbridge.net.tls.Tls;

/**
 * The client side of the daemon's API: one keep-alive connection, one request at a time. {@link RemoteEngine} is
 * built on it; front ends that need a request the {@code Engine} interface does not have (the network and container
 * edits of {@code /v1/networks} and {@code /v1/containers}) send it here, with bodies from {@link ApiJson}.
 */
public final class HttpClient implements Closeable {

    private final String where;
    private final Closeable socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean broken;

    private HttpClient(String where, Closeable socket, InputStream in, OutputStream out) {
        this.where = where;
        this.socket = socket;
        this.in = in;
        this.out = out;
    }

    /** Connects to a Unix socket, or to a TCP address with mutual TLS ({@code tls} required then). */
    public static HttpClient connect(DaemonAddress address, Tls tls) throws IOException {
        if (address.isUnix()) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(address.socket()));
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            return new HttpClient(address.toString(), ch, new BufferedInputStream(Channels.newInputStream(ch), 16384),
                    new BufferedOutputStream(Channels.newOutputStream(ch), 16384));
        }
        if (tls == null) throw new IOException("tcp:// needs TLS files (--tlscacert, --tlscert, --tlskey)");
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(address.host(), address.port()), 10_000);
            SSLSocket s = (SSLSocket) tls.context().getSocketFactory().createSocket(plain, address.host(), address.port(), true);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the daemon's certificate must name the host we asked for
            p.setProtocols(new String[]{Tls.PROTOCOL});
            s.setSSLParameters(p);
            s.startHandshake();
            return new HttpClient(address.toString(), s, new BufferedInputStream(s.getInputStream(), 16384),
                    new BufferedOutputStream(s.getOutputStream(), 16384));
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** A complete response. */
    public record Response(int status, HttpWire.Headers headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A response whose body is read as it arrives (chunked streams: events, progress). */
    public record Streamed(int status, HttpWire.Headers headers, InputStream body) {}

    /** Sends a request and reads the whole response. */
    public Response send(String method, String target, String contentType, byte[] body) throws IOException {
        Streamed s = open(method, target, contentType, body);
        return new Response(s.status(), s.headers(), s.body().readAllBytes());
    }

    /**
     * Sends a request and returns as soon as the response head is read; the body stream must be read to its end
     * before the next request.
     */
    public Streamed open(String method, String target, String contentType, byte[] body) throws IOException {
        if (broken) throw new IOException("connection to " + where + " is broken");
        List<String[]> h = new ArrayList<>();
        h.add(new String[]{"Host", "nlbridge"});
        h.add(new String[]{"User-Agent", "nlbridge-cli"});
        if (body != null) {
            h.add(new String[]{"Content-Type", contentType});
            h.add(new String[]{"Content-Length", Integer.toString(body.length)});
        }
        try {
            HttpWire.writeHead(out, method + " " + target + " HTTP/1.1", h);
            if (body != null) out.write(body);
            out.flush();
            while (true) {
                String status = HttpWire.readLine(in, HttpWire.MAX_LINE);
                if (status == null) throw new IOException(where + " closed the connection without an answer");
                String[] p = status.split(" ", 3);
                if (p.length < 2 || !p[0].equals("HTTP/1.1") || p[1].length() != 3) {
                    throw new IOException(where + " answered with something that is not HTTP/1.1: " + HttpWire.printable(status));
                }
                int code = Integer.parseInt(p[1]);
                HttpWire.Headers headers = HttpWire.readHeaders(in);
                if (code == 100) continue;
                long len = code == 204 || method.equals("HEAD") ? 0 : HttpWire.bodyLength(headers, true, Long.MAX_VALUE);
                InputStream bodyIn = len < 0 ? new HttpWire.ChunkedInput(in) : new ByteArrayInputStream(HttpWire.readBody(in, len));
                if (headers.lists("Connection", "close")) broken = true;
                return new Streamed(code, headers, bodyIn);
            }
        } catch (HttpException | NumberFormatException e) {
            broken = true;
            throw new IOException(where + " answered with malformed HTTP: " + e.getMessage(), e);
        } catch (IOException e) {
            broken = true;
            throw e;
        }
    }

    public String where() {
        return where;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
