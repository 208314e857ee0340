package org.nlbridge.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP/1.1 message framing (RFC 9112), strict on what it reads: lines end in CRLF, header names are tokens, no
 * obsolete line folding, at most one {@code Content-Length} and never together with {@code Transfer-Encoding} (the
 * request-smuggling ambiguities are refused, not resolved), and every length is bounded. Shared by the daemon's
 * server and the client ({@link HttpClient}).
 */
public final class HttpWire {
    private HttpWire() {}

    public static final int MAX_LINE = 8 * 1024;
    public static final int MAX_HEADERS = 100;
    public static final int MAX_HEADER_BYTES = 64 * 1024;
    /** A desired state of thousands of containers fits many times over. */
    public static final int MAX_BODY = 16 * 1024 * 1024;

    /** A header block: names as sent, looked up case-insensitively. */
    public record Headers(List<String[]> fields) {
        public Headers {
            fields = List.copyOf(fields);
        }

        /** The single value of a header, or null; two of them are an error. */
        public String get(String name) throws HttpException {
            String found = null;
            for (String[] f : fields) {
                if (f[0].equalsIgnoreCase(name)) {
                    if (found != null) throw new HttpException(400, "header " + name + " given more than once");
                    found = f[1];
                }
            }
            return found;
        }

        public boolean has(String name) {
            for (String[] f : fields) if (f[0].equalsIgnoreCase(name)) return true;
            return false;
        }

        /** Whether a comma-separated header (Connection) lists {@code token}. */
        public boolean lists(String name, String token) {
            for (String[] f : fields) {
                if (!f[0].equalsIgnoreCase(name)) continue;
                for (String t : f[1].split(",")) if (t.strip().equalsIgnoreCase(token)) return true;
            }
            return false;
        }
    }

    /**
     * Reads one CRLF-terminated line of at most {@code max} bytes (without the CRLF); null at a clean end of stream
     * before the first byte.
     */
    public static String readLine(InputStream in, int max) throws IOException, HttpException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (b.size() == 0) return null;
                throw new EOFException("connection closed in the middle of a line");
            }
            if (c == '\r') {
                int n = in.read();
                if (n != '\n') throw new HttpException(400, "a CR not followed by LF");
                return b.toString(StandardCharsets.ISO_8859_1);
            }
            if (c == '\n') throw new HttpException(400, "a line ending in a bare LF (CRLF required)");
            if (b.size() >= max) throw new HttpException(431, "a line longer than " + max + " bytes");
            b.write(c);
        }
    }

    /** Reads header fields up to the empty line. */
    public static Headers readHeaders(InputStream in) throws IOException, HttpException {
        List<String[]> fields = new ArrayList<>();
        int total = 0;
        while (true) {
            String line = readLine(in, MAX_LINE);
            if (line == null) throw new EOFException("connection closed in the header block");
            if (line.isEmpty()) return new Headers(fields);
            total += line.length() + 2;
            if (total > MAX_HEADER_BYTES || fields.size() >= MAX_HEADERS) {
                throw new HttpException(431, "header block larger than " + MAX_HEADER_BYTES + " bytes or "
                        + MAX_HEADERS + " fields");
            }
            char first = line.charAt(0);
            if (first == ' ' || first == '\t') throw new HttpException(400, "obsolete header line folding");
            int colon = line.indexOf(':');
            if (colon <= 0) throw new HttpException(400, "a header line without a name and colon");
            String name = line.substring(0, colon);
            for (int i = 0; i < name.length(); i++) {
                if (!isTchar(name.charAt(i))) throw new HttpException(400, "header name \"" + name + "\" is not a token");
            }
            String value = line.substring(colon + 1).strip();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f) throw new HttpException(400, "a control character in header " + name);
            }
            fields.add(new String[]{name, value});
        }
    }

    public static boolean isTchar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /**
     * The body length the headers declare: {@code Content-Length} (digits only, at most {@code max}), or -1 for
     * {@code Transfer-Encoding: chunked} when {@code chunkedAllowed}; 0 when neither is given.
     */
    public static long bodyLength(Headers h, boolean chunkedAllowed, long max) throws HttpException {
        String te = h.get("Transfer-Encoding");
        String cl = h.get("Content-Length");
        if (te != null) {
            if (cl != null) throw new HttpException(400, "both Content-Length and Transfer-Encoding");
            if (!chunkedAllowed) {
                throw new HttpException(501, "request bodies with Transfer-Encoding are not supported; send Content-Length");
            }
            if (!te.equalsIgnoreCase("chunked")) throw new HttpException(501, "transfer coding " + te + " is not supported");
            return -1;
        }
        if (cl == null) return 0;
        if (cl.isEmpty() || cl.length() > 12) throw new HttpException(400, "Content-Length \"" + cl + "\" is not a length");
        for (int i = 0; i < cl.length(); i++) {
            if (cl.charAt(i) < '0' || cl.charAt(i) > '9') throw new HttpException(400, "Content-Length \"" + cl + "\" is not a length");
        }
        long n = Long.parseLong(cl);
        if (n > max) throw new HttpException(413, "body of " + n + " bytes is larger than the limit of " + max);
        return n;
    }

    public static byte[] readBody(InputStream in, long length) throws IOException {
        byte[] b = in.readNBytes((int) length);
        if (b.length != length) throw new EOFException("connection closed after " + b.length + " of " + length + " body bytes");
        return b;
    }

    /** Writes a status line or request line and headers, then the empty line. */
    public static void writeHead(OutputStream out, String firstLine, List<String[]> headers) throws IOException {
        StringBuilder sb = new StringBuilder(256).append(firstLine).append("\r\n");
        for (String[] h : headers) sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The reason phrase of the statuses the API uses. */
    public static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 417 -> "Expectation Failed";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }

    /** A body sent as chunks ({@code Transfer-Encoding: chunked}); closing it writes the last chunk. */
    public static final class ChunkedOutput extends OutputStream {
        private final OutputStream out;
        private boolean closed;

        public ChunkedOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (closed) throw new IOException("chunked body already ended");
            if (len == 0) return;
            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(b, off, len);
            out.write(CRLF);
        }

        /** Writes one line (a JSON document and a newline) as one chunk and flushes it. */
        public synchronized void line(String text) throws IOException {
            write((text + "\n").getBytes(StandardCharsets.UTF_8));
            flush();
        }

        @Override
        public synchronized void flush() throws IOException {
            out.flush();
        }

        @Override
        public synchronized void close() throws IOException {
            if (closed) return;
            closed = true;
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};

    /** Reads a chunked body as a stream (trailers are read and dropped). */
    static final class ChunkedInput extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        ChunkedInput(InputStream in) {
            this.in = in;
        }

        private boolean fill() throws IOException {
            if (done) return false;
            if (left > 0) return true;
            try {
                String size = readLine(in, MAX_LINE);
                if (size == null) throw new EOFException("connection closed before the last chunk");
                int semi = size.indexOf(';');
                String hex = (semi >= 0 ? size.substring(0, semi) : size).strip();
                if (hex.isEmpty() || hex.length() > 8) throw new IOException("bad chunk size line \"" + size + "\"");
                left = Long.parseLong(hex, 16);
                if (left == 0) {
                    readHeaders(in); // trailers
                    done = true;
                    return false;
                }
                return true;
            } catch (HttpException | NumberFormatException e) {
                throw new IOException("malformed chunked body: " + e.getMessage(), e);
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (!fill()) return -1;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) throw new EOFException("connection closed inside a chunk");
            left -= n;
            if (left == 0) {
                if (in.read() != '\r' || in.read() != '\n') throw new IOException("a chunk not followed by CRLF");
            }
            return n;
        }
    }

    /** At most 80 characters of {@code s}, control and non-ASCII characters as '?', for error messages. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c >= 0x7f ? '?' : c);
        }
        return s.length() > 80 ? b + "..." : b.toString();
    }
}
