package org.nlbridge.driver.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.nlbridge.net.Hostname;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.DnsSpec;

/**
 * Everything the overlay files of one container depend on: its host name, the addresses its interfaces got, whether
 * IPv6 is disabled inside it, the user's DNS overrides and whether the files are mounted read-only. Checked as a
 * whole by {@link Builder#build()}, before any file is touched.
 */
public final class OverlaySpec {

    static final String ACCEPTED_ADDRESS = "a unicast address of the container's interface, like 172.17.0.2 or fd00::2";

    private final Hostname hostname;
    private final List<IpAddress> addresses;
    private final boolean ipv6Disabled;
    private final DnsSpec dns;
    private final boolean readOnly;
    private final List<HostsFile.Entry> extraHosts;
    private final String neighbours;
    private final IpAddress nameServer;
    private final boolean internal;

    private OverlaySpec(Builder b) {
        this.hostname = b.hostname;
        this.addresses = List.copyOf(b.addresses);
        this.ipv6Disabled = b.ipv6Disabled;
        this.dns = b.dns;
        this.readOnly = b.readOnly;
        this.extraHosts = List.copyOf(b.extraHosts);
        this.neighbours = b.neighbours;
        this.nameServer = b.nameServer;
        this.internal = b.internal;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Hostname hostname() {
        return hostname;
    }

    /** In the order given: the order of the {@code /etc/hosts} lines. */
    public List<IpAddress> addresses() {
        return addresses;
    }

    /** IPv6 off inside the container ({@code disable_ipv6=1}): no IPv6 lines in {@code /etc/hosts}. */
    public boolean ipv6Disabled() {
        return ipv6Disabled;
    }

    /**
     * Whether the container can reach IPv6 nameservers: it has an IPv6 address. Docker decides the same way (IPv6
     * on the network), rather than by the sysctl, since {@code ::1} alone routes nowhere.
     */
    public boolean hasIpv6() {
        return addresses.stream().anyMatch(a -> a.family() == IpAddress.AF_INET6);
    }

    public DnsSpec dns() {
        return dns;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** {@code --add-host} lines, in order. */
    public List<HostsFile.Entry> extraHosts() {
        return extraHosts;
    }

    /** The other containers' lines without a name server ({@code HostsEntries}), or empty. */
    public String neighbours() {
        return neighbours;
    }

    /** The name server the resolv.conf names (127.0.0.11), or null for the host's servers. */
    public IpAddress nameServer() {
        return nameServer;
    }

    /** Every network of the container is internal: the name server forwards nothing (said in the resolv.conf). */
    public boolean internal() {
        return internal;
    }

    public static final class Builder {
        private Hostname hostname;
        private final List<IpAddress> addresses = new ArrayList<>();
        private boolean ipv6Disabled;
        private DnsSpec dns = DnsSpec.HOST;
        private boolean readOnly;
        private final List<HostsFile.Entry> extraHosts = new ArrayList<>();
        private String neighbours = "";
        private IpAddress nameServer;
        private boolean internal;

        private Builder() {}

        /** One {@code --add-host} line. */
        public Builder extraHost(HostsFile.Entry entry) {
            extraHosts.add(Objects.requireNonNull(entry, "entry"));
            return this;
        }

        /** The other containers of its networks, as {@code HostsEntries.lines} renders them (no name server). */
        public Builder neighbours(String lines) {
            this.neighbours = Objects.requireNonNull(lines, "lines");
            return this;
        }

        /** Names are served at {@code server} (127.0.0.11); {@code internal}: it forwards nothing. */
        public Builder nameServer(IpAddress server, boolean internal) {
            this.nameServer = server;
            this.internal = internal;
            return this;
        }

        /** Required: Docker's {@code --hostname}, by default the first 12 characters of the container id. */
        public Builder hostname(String text) {
            return hostname(Hostname.parse("hostname", text));
        }

        public Builder hostname(Hostname name) {
            this.hostname = Objects.requireNonNull(name, "hostname");
            return this;
        }

        /** An address of the container's interface, as IPAM assigned it. */
        public Builder address(String text) {
            return address(IpAddress.parse("address", text));
        }

        public Builder address(IpAddress address) {
            Objects.requireNonNull(address, "address");
            String problem = address.isLoopback() ? "a loopback address"
                    : address.isMulticast() ? "a multicast address"
                    : address.isUnspecified() ? "the unspecified address"
                    : address.isLinkLocal() ? "a link-local address (valid on one link only, never put in /etc/hosts)"
                    : null;
            if (problem != null) {
                throw new ValidationException("address", address.toString(), problem, ACCEPTED_ADDRESS);
            }
            addresses.add(address);
            return this;
        }

        public Builder ipv6Disabled(boolean disabled) {
            this.ipv6Disabled = disabled;
            return this;
        }

        public Builder dns(DnsSpec spec) {
            this.dns = Objects.requireNonNull(spec, "dns");
            return this;
        }

        /** Mount the files read-only, as Docker does for a container with a read-only root file system. */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        public OverlaySpec build() {
            if (hostname == null) {
                throw new ValidationException("hostname", null, "no value given", Hostname.ACCEPTED);
            }
            if (ipv6Disabled) {
                for (IpAddress a : addresses) {
                    if (a.family() == IpAddress.AF_INET6) {
                        throw new ValidationException("address", a.toString(),
                                "an IPv6 address, but IPv6 is disabled in the container", ACCEPTED_ADDRESS);
                    }
                }
            }
            return new OverlaySpec(this);
        }
    }
}
