package org.nlbridge.net;

/**
 * A container host name, as written to /etc/hostname and /etc/hosts: RFC 1123 labels and at most
 * 64 bytes in all (the kernel's HOST_NAME_MAX, the limit Docker applies). Case is kept as given.
 */
public final class Hostname {

    public static final int MAX_BYTES = 64;

    public static final String ACCEPTED = "a host name like web-1 or db.example.internal (labels of 1..63"
            + " letters, digits or '-' separated by '.', no '-' at either end of a label, 64 bytes in all)";

    private final String name;

    private Hostname(String name) {
        this.name = name;
    }

    public static Hostname parse(String field, String text) {
        ValidationException.requireValue(field, text, ACCEPTED);
        try {
            DnsNames.rejectUnsafe(text);
            if (text.length() > MAX_BYTES) {
                throw new Invalid(text.length() + " bytes, above the limit of " + MAX_BYTES);
            }
            DnsNames.checkLabels(text);
            return new Hostname(text);
        } catch (Invalid e) {
            throw ValidationException.of(field, text, e, ACCEPTED);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hostname h && h.name.equals(name);
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
