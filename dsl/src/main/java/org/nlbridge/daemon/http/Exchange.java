package org.nlbridge.daemon.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.nlbridge.client.HttpWire;

/** One request and the means to answer it, either with a whole body or with a chunked stream. */
public final class Exchange {
    public static final String JSON = "application/json";
    public static final String NDJSON = "application/x-ndjson";

    private final HttpRequest request;
    private final Conn conn;
    private final String server;
    private boolean responded;
    private boolean closeAfter;
    private HttpWire.ChunkedOutput stream;

    Exchange(HttpRequest request, Conn conn, String server) {
        this.request = request;
        this.conn = conn;
        this.server = server;
        this.closeAfter = request.headers().lists("Connection", "close");
    }

    public HttpRequest request() {
        return request;
    }

    public String peer() {
        return conn.peer();
    }

    public boolean responded() {
        return responded;
    }

    boolean closing() {
        return closeAfter;
    }

    HttpWire.ChunkedOutput openStream() {
        return stream;
    }

    private List<String[]> headers(String contentType) {
        List<String[]> h = new ArrayList<>();
        h.add(new String[]{"Server", server});
        h.add(new String[]{"Api-Version", "1"});
        if (contentType != null) h.add(new String[]{"Content-Type", contentType});
        if (closeAfter) h.add(new String[]{"Connection", "close"});
        return h;
    }

    /** Answers with a complete body. */
    public void respond(int status, String contentType, byte[] body) throws IOException {
        respond(status, contentType, body, List.of());
    }

    /** Answers with a complete body and more header fields ({name, value} each). */
    public void respond(int status, String contentType, byte[] body, List<String[]> extra) throws IOException {
        if (responded) throw new IllegalStateException("already answered");
        responded = true;
        List<String[]> h = headers(body.length > 0 || status != 204 ? contentType : null);
        h.addAll(extra);
        if (status != 204) h.add(new String[]{"Content-Length", Integer.toString(body.length)});
        HttpWire.writeHead(conn.out(), "HTTP/1.1 " + status + " " + HttpWire.reason(status), h);
        if (status != 204) conn.out().write(body);
        conn.out().flush();
    }

    public void json(int status, String json) throws IOException {
        respond(status, JSON, json.getBytes(StandardCharsets.UTF_8));
    }

    /** Starts a chunked answer; the server ends it (the last chunk) when the handler returns. */
    public HttpWire.ChunkedOutput stream(int status, String contentType) throws IOException {
        if (responded) throw new IllegalStateException("already answered");
        responded = true;
        List<String[]> h = headers(contentType);
        h.add(new String[]{"Transfer-Encoding", "chunked"});
        h.add(new String[]{"Cache-Control", "no-cache"});
        HttpWire.writeHead(conn.out(), "HTTP/1.1 " + status + " " + HttpWire.reason(status), h);
        conn.out().flush();
        stream = new HttpWire.ChunkedOutput(conn.out());
        return stream;
    }

    /** Closes the connection after this exchange. */
    public void closeAfterwards() {
        closeAfter = true;
    }
}
