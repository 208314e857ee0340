package org.nlbridge.driver.dns;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.nlbridge.net.DnsOption;
import org.nlbridge.net.DnsSearchDomain;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;

/**
 * Reads resolv.conf text the way glibc's resolver does (resolv.conf(5)): a line starting with '#' or ';' is a
 * comment, the first word is the keyword, {@code search} and {@code domain} replace each other (the last one
 * wins), {@code options} lines add up, and keywords we do not carry over ({@code sortlist}, ...) are ignored.
 *
 * <p>Every value goes through the same strict type a user's value would, so the container's file can never hold
 * more than the user could have written. A value that does not pass is skipped, as glibc skips what it cannot
 * use, and the skip is recorded as a note that ends up in the generated file's trailer: the explicit policy for
 * host options we do not know (an unknown option is an error from a user, but on the host it is not ours to fix).
 */
final class ResolvConfParser {

    /** Longer lines are not a resolv.conf; refuse rather than truncate (moby refuses at its scanner limit too). */
    static final int MAX_LINE_BYTES = 8 * 1024;
    /** A resolv.conf is a few hundred bytes; a file beyond this is something else put there by mistake. */
    static final int MAX_FILE_BYTES = 1024 * 1024;

    private final List<IpAddress> nameservers = new ArrayList<>();
    private List<DnsSearchDomain> search = List.of();
    private final List<DnsOption> options = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private ResolvConfParser() {}

    static ResolvConf parse(String source, byte[] content) {
        if (content.length > MAX_FILE_BYTES) {
            throw new ResolvConfException(source, "larger than " + MAX_FILE_BYTES + " bytes");
        }
        ResolvConfParser p = new ResolvConfParser();
        int start = 0;
        int lineNo = 1;
        for (int i = 0; i <= content.length; i++) {
            if (i == content.length || content[i] == '\n') {
                int length = i - start;
                if (length > MAX_LINE_BYTES) {
                    throw new ResolvConfException(source, "line " + lineNo + " is " + length
                            + " bytes long, above the limit of " + MAX_LINE_BYTES);
                }
                // malformed UTF-8 becomes U+FFFD, which every strict type then refuses
                p.line(lineNo, new String(content, start, length, StandardCharsets.UTF_8));
                start = i + 1;
                lineNo++;
            }
        }
        return new ResolvConf(source, p.nameservers, p.search, p.options, p.notes);
    }

    private void line(int lineNo, String line) {
        String[] words = line.strip().split("[ \t\r\f\u000b]+");
        String keyword = words[0];
        if (keyword.isEmpty() || keyword.startsWith("#") || keyword.startsWith(";") || words.length < 2) {
            return; // blank, comment, or a keyword without value, which glibc ignores as well
        }
        switch (keyword) {
            case "nameserver" -> {
                IpAddress a = value(lineNo, () -> IpAddress.parse("nameserver", words[1]));
                if (a != null) {
                    nameservers.add(a);
                }
            }
            case "search", "domain" -> {
                List<DnsSearchDomain> list = new ArrayList<>();
                int last = keyword.equals("domain") ? 2 : words.length; // domain takes one name
                for (int i = 1; i < last; i++) {
                    String w = words[i];
                    // "search ." is how systemd-resolved writes "no search domains"
                    DnsSearchDomain d = w.equals(".") ? null : value(lineNo, () -> DnsSearchDomain.parse(keyword, w));
                    if (d != null) {
                        list.add(d);
                    }
                }
                search = list;
            }
            case "options" -> {
                for (int i = 1; i < words.length; i++) {
                    String w = words[i];
                    DnsOption o = value(lineNo, () -> DnsOption.parse("option", w));
                    if (o != null) {
                        options.add(o);
                    }
                }
            }
            default -> { } // sortlist, lookup, family...: about the host's networks, not the container's
        }
    }

    private <T> T value(int lineNo, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (ValidationException e) {
            // the reason quotes and escapes what it refers to, so the note stays one comment line
            notes.add("line " + lineNo + ": skipped " + e.field() + ": " + e.reason());
            return null;
        }
    }
}
