package org.nlbridge.dsl;

import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.DnsSpec;

/**
 * {@code dns { nameserver '9.9.9.9'; search 'example.com'; option 'ndots:2' }} inside a network or a container:
 * Docker's {@code --dns}, {@code --dns-search} and {@code --dns-opt}. Each key may repeat and takes one or more
 * values; values are kept in the order given. A part that is given replaces the host's part as a whole.
 */
public final class DnsBlock {

    private final DnsSpec.Builder builder = DnsSpec.builder();
    private final String owner;

    DnsBlock(String owner) {
        this.owner = owner;
    }

    /** {@code --dns}: a nameserver's IP address (a literal; no name is ever resolved). */
    public void nameserver(String address, String... more) {
        try {
            builder.nameserver(address);
            for (String a : more) builder.nameserver(a);
        } catch (ValidationException e) {
            throw Blocks.prefixed(owner + ": ", e);
        }
    }

    /** {@code --dns-search}: a search domain. */
    public void search(String domain, String... more) {
        try {
            builder.search(domain);
            for (String d : more) builder.search(d);
        } catch (ValidationException e) {
            throw Blocks.prefixed(owner + ": ", e);
        }
    }

    /** {@code --dns-opt}: a resolver option such as {@code ndots:2}. */
    public void option(String option, String... more) {
        try {
            builder.option(option);
            for (String o : more) builder.option(o);
        } catch (ValidationException e) {
            throw Blocks.prefixed(owner + ": ", e);
        }
    }

    DnsSpec build() {
        return builder.build();
    }
}
