package org.nlbridge.spec;

import java.util.Locale;

import org.nlbridge.net.ValidationException;

/** Which firewall a network's rules go to: Docker's {@code --iptables} / {@code --firewall-backend}. */
public enum FirewallBackend {
    /** Native nf_tables over netlink, in the engine's own tables (the default). */
    NFTABLES,
    /** No rules at all: Docker's {@code --iptables=false}. Masquerade and published ports then do nothing. */
    NONE;

    public static final String ACCEPTED = "nftables or none";

    public static FirewallBackend parse(String field, String text) {
        if (text != null) {
            switch (text.toLowerCase(Locale.ROOT)) {
                case "nftables" -> { return NFTABLES; }
                case "none" -> { return NONE; }
                case "iptables" -> throw new ValidationException(field, text,
                        "the iptables backend would need the iptables-restore program, and nlbridge never runs"
                                + " firewall programs (it speaks nf_tables over netlink)", ACCEPTED);
                default -> { }
            }
        }
        throw new ValidationException(field, text, "unknown firewall backend", ACCEPTED);
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
