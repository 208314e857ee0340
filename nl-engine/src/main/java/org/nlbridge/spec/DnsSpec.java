package org.nlbridge.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.nlbridge.net.DnsOption;
import org.nlbridge.net.DnsSearchDomain;
import org.nlbridge.net.IpAddress;

/**
 * A container's DNS overrides, Docker's {@code --dns}, {@code --dns-search} and {@code --dns-opt}. Each part that
 * is given replaces that part of the host's resolv.conf as a whole; a part left empty keeps the host's. Values are
 * parsed by the strict types of {@code org.nlbridge.net} as they are added, so a bad one fails at the builder,
 * long before a file is written, with the field named {@code dns}, {@code dns_search} or {@code dns_opt}.
 */
public final class DnsSpec {

    /** Nothing overridden: the container gets the host's configuration (filtered as Docker does). */
    public static final DnsSpec HOST = builder().build();

    private final List<IpAddress> nameservers;
    private final List<DnsSearchDomain> search;
    private final List<DnsOption> options;

    private DnsSpec(Builder b) {
        this.nameservers = List.copyOf(b.nameservers);
        this.search = List.copyOf(b.search);
        this.options = List.copyOf(b.options);
    }

    /** A spec built by {@code configure}, as the Java API and the DSL's {@code dns { ... }} blocks take it. */
    public static DnsSpec of(Consumer<Builder> configure) {
        Builder b = builder();
        configure.accept(b);
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code --dns}: replaces the host's nameservers when not empty; written as given, loopback included. */
    public List<IpAddress> nameservers() {
        return nameservers;
    }

    /** {@code --dns-search}: replaces the host's search list when not empty. */
    public List<DnsSearchDomain> search() {
        return search;
    }

    /** {@code --dns-opt}: replaces the host's options when not empty. */
    public List<DnsOption> options() {
        return options;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DnsSpec d && d.nameservers.equals(nameservers) && d.search.equals(search)
                && d.options.equals(options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nameservers, search, options);
    }

    @Override
    public String toString() {
        return "DnsSpec[nameservers=" + nameservers + ", search=" + search + ", options=" + options + "]";
    }

    /** Collects values in the order given, which is the order they are written (the resolver tries them so). */
    public static final class Builder {
        private final List<IpAddress> nameservers = new ArrayList<>();
        private final List<DnsSearchDomain> search = new ArrayList<>();
        private final List<DnsOption> options = new ArrayList<>();

        private Builder() {}

        /** One {@code --dns} value: an IP literal, never a name (no resolution happens here). */
        public Builder nameserver(String text) {
            return nameserver(IpAddress.parse("dns", text));
        }

        public Builder nameserver(IpAddress address) {
            nameservers.add(Objects.requireNonNull(address, "address"));
            return this;
        }

        /** One {@code --dns-search} value. */
        public Builder search(String text) {
            return search(DnsSearchDomain.parse("dns_search", text));
        }

        public Builder search(DnsSearchDomain domain) {
            search.add(Objects.requireNonNull(domain, "domain"));
            return this;
        }

        /** One {@code --dns-opt} value, such as {@code ndots:2}. */
        public Builder option(String text) {
            return option(DnsOption.parse("dns_opt", text));
        }

        public Builder option(DnsOption option) {
            options.add(Objects.requireNonNull(option, "option"));
            return this;
        }

        public DnsSpec build() {
            return new DnsSpec(this);
        }
    }
}
