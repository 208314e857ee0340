package org.nlbridge.net;

/**
 * A resolv.conf {@code search} domain: RFC 1123 labels, at most 253 bytes. One trailing '.' (the
 * fully qualified spelling) is accepted and dropped, as resolv.conf means the same either way; the
 * root "." alone is refused. Case is kept as given.
 */
public final class DnsSearchDomain {

    /** The longest domain name in text form, without the trailing dot (RFC 1035: 255 octets on the wire). */
    public static final int MAX_BYTES = 253;

    public static final String ACCEPTED = "a domain like example.internal (labels of 1..63 letters, digits"
            + " or '-' separated by '.', no '-' at either end of a label, 253 bytes in all)";

    private final String name;

    private DnsSearchDomain(String name) {
        this.name = name;
    }

    public static DnsSearchDomain parse(String field, String text) {
        ValidationException.requireValue(field, text, ACCEPTED);
        try {
            DnsNames.rejectUnsafe(text);
            if (text.equals(".")) {
                throw new Invalid("the root \".\" is not a search domain");
            }
            String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
            if (name.length() > MAX_BYTES) {
                throw new Invalid(name.length() + " bytes, above the limit of " + MAX_BYTES);
            }
            DnsNames.checkLabels(name);
            return new DnsSearchDomain(name);
        } catch (Invalid e) {
            throw ValidationException.of(field, text, e, ACCEPTED);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DnsSearchDomain d && d.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
