package org.nlbridge.daemon.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nlbridge.client.HttpException;
import org.nlbridge.client.HttpWire;

/**
 * One request as the server read it: the method, the path (percent-decoded per segment) and query, the headers
 * and the whole body ({@code Content-Length} only).
 */
public record HttpRequest(String method, String target, List<String> segments, Map<String, List<String>> query,
                          HttpWire.Headers headers, byte[] body) {

    /** The first value of a query parameter, or null. */
    public String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    /** The path as sent, without the query. */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /**
     * Reads one request's head and checks its framing; null when the client closed the connection between requests.
     * The body is left unread ({@code body} is empty): {@link #withBody} reads it once the request is admitted.
     */
    static HttpRequest readHead(InputStream in) throws IOException, HttpException {
        String line = HttpWire.readLine(in, HttpWire.MAX_LINE);
        if (line == null) return null;
        if (line.isEmpty()) { // RFC 9112 2.2: ignore at least one empty line before a request
            line = HttpWire.readLine(in, HttpWire.MAX_LINE);
            if (line == null) return null;
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3) throw new HttpException(400, "request line \"" + HttpWire.printable(line) + "\" is not METHOD TARGET HTTP/1.1");
        String method = parts[0];
        String target = parts[1];
        String version = parts[2];
        if (method.isEmpty()) throw new HttpException(400, "empty method");
        for (int i = 0; i < method.length(); i++) {
            if (!HttpWire.isTchar(method.charAt(i))) throw new HttpException(400, "method is not a token");
        }
        if (!version.equals("HTTP/1.1")) {
            throw new HttpException(version.startsWith("HTTP/") ? 505 : 400, "only HTTP/1.1 is spoken here, not " + HttpWire.printable(version));
        }
        if (!target.startsWith("/")) throw new HttpException(400, "request target must be a path starting with /");
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) throw new HttpException(400, "request target contains a character outside visible ASCII");
        }
        HttpWire.Headers headers = HttpWire.readHeaders(in);
        String host = headers.get("Host");
        if (host == null) throw new HttpException(400, "no Host header (required in HTTP/1.1)");
        HttpWire.bodyLength(headers, false, HttpWire.MAX_BODY);
        String expect = headers.get("Expect");
        if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
            throw new HttpException(417, "unsupported Expect: " + HttpWire.printable(expect));
        }
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        List<String> segments = new ArrayList<>();
        for (String s : path.substring(1).split("/", -1)) segments.add(decode(s));
        if (segments.size() > 1 && segments.getLast().isEmpty()) segments.removeLast(); // a trailing slash
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (q >= 0 && q + 1 < target.length()) {
            for (String kv : target.substring(q + 1).split("&")) {
                if (kv.isEmpty()) continue;
                int eq = kv.indexOf('=');
                String k = decode(eq < 0 ? kv : kv.substring(0, eq));
                String v = eq < 0 ? "" : decode(kv.substring(eq + 1));
                query.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        }
        return new HttpRequest(method, target, List.copyOf(segments), query, headers, new byte[0]);
    }

    /** The length of the body the head announces ({@code Content-Length}; 0 without one). */
    long bodyLength() throws HttpException {
        return HttpWire.bodyLength(headers, false, HttpWire.MAX_BODY);
    }

    /** Whether the head announces a body (its framing was checked when the head was read). */
    boolean hasBody() {
        try {
            return bodyLength() != 0;
        } catch (HttpException e) {
            return true;
        }
    }

    /** Reads the body a head announces; answers {@code Expect: 100-continue} on {@code out} first. */
    HttpRequest withBody(InputStream in, OutputStream out) throws IOException, HttpException {
        long length = bodyLength();
        if (length == 0) return this;
        if (headers.get("Expect") != null) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        return new HttpRequest(method, target, segments, query, headers, HttpWire.readBody(in, length));
    }

    /** Percent-decoding of UTF-8; a malformed escape is an error, {@code +} stays a plus. */
    static String decode(String s) throws HttpException {
        if (s.indexOf('%') < 0) return s;
        byte[] out = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) throw new HttpException(400, "a truncated percent escape in the request target");
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) throw new HttpException(400, "a malformed percent escape in the request target");
                out[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else {
                out[n++] = (byte) c;
            }
        }
        String text = new String(out, 0, n, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') >= 0) throw new HttpException(400, "percent escapes that are not UTF-8");
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < 0x20 || text.charAt(i) == 0x7f) throw new HttpException(400, "a control character in the request target");
        }
        return text;
    }
}
