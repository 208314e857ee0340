package org.nlbridge.spec;

import org.nlbridge.net.SafeName;
import org.nlbridge.net.ValidationException;

/** Docker's {@code --network}: a bridge network by name, {@code host}, {@code none} or {@code container:<name>}. */
public sealed interface NetworkMode {

    String ACCEPTED = "a network name, host, none or container:<name>";

    /** Attached to a bridge network: veth, address, routes, firewall. */
    record Bridge(String network) implements NetworkMode {
        @Override
        public String toString() {
            return network;
        }
    }

    /** The host's namespace: nothing to set up (Docker {@code --network host}). */
    record Host() implements NetworkMode {
        @Override
        public String toString() {
            return "host";
        }
    }

    /** Its own namespace with only {@code lo} up (Docker {@code --network none}). */
    record None() implements NetworkMode {
        @Override
        public String toString() {
            return "none";
        }
    }

    /** Shares another container's namespace (Docker {@code --network container:<name>}). */
    record Container(String container) implements NetworkMode {
        @Override
        public String toString() {
            return "container:" + container;
        }
    }

    static NetworkMode parse(String field, String text) {
        if (text == null) throw new ValidationException(field, null, "no network mode", ACCEPTED);
        if (text.equals("host")) return new Host();
        if (text.equals("none")) return new None();
        if (text.startsWith("container:")) {
            String other = text.substring("container:".length());
            if (!SafeName.isValid(other)) {
                throw new ValidationException(field, text, "not a usable container name",
                        "container:<name>, " + SafeName.ACCEPTED);
            }
            return new Container(other);
        }
        if (text.equals("bridge") || text.equals("default")) return new Bridge("bridge");
        if (!SafeName.isValid(text)) {
            throw new ValidationException(field, text, "not a usable network name",
                    ACCEPTED + "; names are " + SafeName.ACCEPTED);
        }
        return new Bridge(text);
    }
}
