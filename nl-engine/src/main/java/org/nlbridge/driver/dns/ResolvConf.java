package org.nlbridge.driver.dns;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.nlbridge.net.DnsOption;
import org.nlbridge.net.DnsSearchDomain;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.spec.DnsSpec;

/**
 * The host's resolver configuration, and the container's made from it the way Docker does for its default bridge
 * (moby {@code internal/resolvconf}, "legacy" networks): the host's nameservers minus the loopback ones (they
 * would point at the container itself), IPv6 ones only if the container has IPv6, Google's public servers when
 * nothing is left, and the host's search list and options; each part the user gives in a {@link DnsSpec}
 * replaces the host's.
 */
public final class ResolvConf {

    /** Where the host's resolver reads its configuration. */
    public static final Path HOST_PATH = Path.of("/etc/resolv.conf");
    /**
     * systemd-resolved's list of the real upstream servers. Its stub file at {@link #HOST_PATH} names only
     * 127.0.0.53, which is unreachable from a container, so Docker reads this one instead.
     */
    public static final Path SYSTEMD_RESOLVED_PATH = Path.of("/run/systemd/resolve/resolv.conf");

    private static final IpAddress SYSTEMD_STUB = Ipv4Address.of(0x7F000035);
    /** Docker's fallbacks (moby {@code defaultIPv4NSs}, {@code defaultIPv6NSs}): Google Public DNS. */
    private static final List<IpAddress> FALLBACK_V4 = List.of(Ipv4Address.of(0x08080808), Ipv4Address.of(0x08080404));
    private static final List<IpAddress> FALLBACK_V6 = List.of(
            Ipv6Address.of(0x2001_4860_4860_0000L, 0x8888L), Ipv6Address.of(0x2001_4860_4860_0000L, 0x8844L));

    private final String source;
    private final List<IpAddress> nameservers;
    private final List<DnsSearchDomain> search;
    private final List<DnsOption> options;
    private final List<String> notes;

    ResolvConf(String source, List<IpAddress> nameservers, List<DnsSearchDomain> search, List<DnsOption> options,
               List<String> notes) {
        this.source = source;
        this.nameservers = List.copyOf(nameservers);
        this.search = List.copyOf(search);
        this.options = List.copyOf(options);
        this.notes = List.copyOf(notes);
    }

    /** The host's configuration from {@link #HOST_PATH}, or from {@link #SYSTEMD_RESOLVED_PATH} as Docker picks it. */
    public static ResolvConf readHost() {
        return readHost(HOST_PATH, SYSTEMD_RESOLVED_PATH);
    }

    /**
     * Reads {@code file}; if its only nameserver is systemd-resolved's stub 127.0.0.53 and {@code resolvedFile}
     * exists, reads that instead (moby {@code resolvconf_path.go}).
     */
    public static ResolvConf readHost(Path file, Path resolvedFile) {
        ResolvConf conf = read(file);
        if (conf.nameservers.equals(List.of(SYSTEMD_STUB)) && Files.exists(resolvedFile)) {
            return read(resolvedFile);
        }
        return conf;
    }

    /**
     * Reads one file. A missing file reads as empty, as glibc treats it, so the container gets the fallbacks.
     *
     * @throws ResolvConfException if it cannot be read or has a line above 8 KiB
     */
    public static ResolvConf read(Path file) {
        String source = file.toString();
        byte[] content;
        try (InputStream in = Files.newInputStream(file)) {
            // bounded: a FIFO or a huge file put there by mistake must not hang or fill the heap
            content = in.readNBytes(ResolvConfParser.MAX_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            return new ResolvConf(source, List.of(), List.of(), List.of(), List.of("the host file does not exist"));
        } catch (IOException e) {
            throw new ResolvConfException(source, e.toString(), e);
        }
        return ResolvConfParser.parse(source, content);
    }

    /** Parses resolv.conf text; {@code source} names it in notes and errors. */
    public static ResolvConf parse(String source, String text) {
        return ResolvConfParser.parse(source, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The file this was read from. */
    public String source() {
        return source;
    }

    public List<IpAddress> nameservers() {
        return nameservers;
    }

    public List<DnsSearchDomain> search() {
        return search;
    }

    public List<DnsOption> options() {
        return options;
    }

    /** What was skipped while reading, one line each, e.g. {@code line 4: skipped option: unknown option "inet6"}. */
    public List<String> notes() {
        return notes;
    }

    /**
     * The container's resolv.conf: one directive per line, nameservers in order, then {@code search}, then
     * {@code options}, then a comment trailer saying where it came from. The same inputs give the same bytes.
     *
     * @param ipv6 whether the container has IPv6 connectivity; without it IPv6 host nameservers are dropped
     */
    public String forContainer(DnsSpec dns, boolean ipv6) {
        List<String> overrides = new ArrayList<>();
        List<IpAddress> servers;
        boolean usedFallbacks = false;
        if (!dns.nameservers().isEmpty()) {
            servers = dns.nameservers(); // the user's choice, loopback included, as Docker leaves it
            overrides.add("nameservers");
        } else {
            servers = nameservers.stream().filter(a -> !isLoopback(a) && (ipv6 || a.family() == IpAddress.AF_INET))
                    .toList();
            if (servers.isEmpty()) {
                servers = new ArrayList<>(FALLBACK_V4);
                if (ipv6) {
                    servers.addAll(FALLBACK_V6);
                }
                usedFallbacks = true;
            }
        }
        List<DnsSearchDomain> domains = search;
        if (!dns.search().isEmpty()) {
            domains = dns.search();
            overrides.add("search");
        }
        List<DnsOption> opts = options;
        if (!dns.options().isEmpty()) {
            opts = dns.options();
            overrides.add("options");
        }

        StringBuilder b = new StringBuilder();
        for (IpAddress a : servers) {
            b.append("nameserver ").append(a).append('\n');
        }
        if (!domains.isEmpty()) {
            b.append("search ").append(join(domains)).append('\n');
        }
        if (!opts.isEmpty()) {
            b.append("options ").append(join(opts)).append('\n');
        }
        b.append("\n# Generated by nlbridge from ").append(commentSafe(source)).append('\n');
        if (!overrides.isEmpty()) {
            b.append("# Overrides: ").append(String.join(", ", overrides)).append('\n');
        }
        if (usedFallbacks) {
            b.append("# Used default nameservers: the host has none the container can reach\n");
        }
        for (String note : notes) {
            b.append("# Note: ").append(commentSafe(note)).append('\n');
        }
        return b.toString();
    }

    /**
     * Where a name server forwards a container's other queries: the user's {@code dns} nameservers if given, else
     * the host's, loopback ones included (the server asks them from the host's namespace, where they answer, as
     * Docker's does for systemd-resolved's 127.0.0.53). No public fallback: a host without nameservers gets SERVFAIL
     * for outside names rather than queries sent to someone it never named.
     */
    public List<IpAddress> upstreams(DnsSpec dns) {
        return dns.nameservers().isEmpty() ? nameservers : dns.nameservers();
    }

    /**
     * The resolv.conf of a container whose names are served at {@code server} (Docker's 127.0.0.11 on user
     * networks): that one nameserver, the search list and options as {@link #forContainer} takes them, with
     * {@code ndots:0} first unless an {@code ndots} is given (Docker does the same, so single names go to the server
     * as they are), and a trailer naming where other names are forwarded.
     */
    public String forNameServer(DnsSpec dns, IpAddress server, boolean internal) {
        List<DnsSearchDomain> domains = dns.search().isEmpty() ? search : dns.search();
        List<DnsOption> opts = new ArrayList<>(dns.options().isEmpty() ? options : dns.options());
        if (opts.stream().noneMatch(ResolvConf::isNdots)) opts.addFirst(DnsOption.parse("options", "ndots:0"));
        StringBuilder b = new StringBuilder("nameserver ").append(server).append('\n');
        if (!domains.isEmpty()) b.append("search ").append(join(domains)).append('\n');
        b.append("options ").append(join(opts)).append('\n');
        b.append("\n# Generated by nlbridge from ").append(commentSafe(source)).append('\n');
        List<IpAddress> up = upstreams(dns);
        b.append("# Names of the container's networks are answered at ").append(server).append(internal
                ? "; other names get no answer (internal network)\n"
                : up.isEmpty() ? "; other names get no answer (no nameserver on the host)\n"
                : "; other names are forwarded to " + join(up) + "\n");
        return b.toString();
    }

    /** Whether an option is {@code ndots:N}. */
    public static boolean isNdots(DnsOption o) {
        return o.toString().startsWith("ndots:");
    }

    /** 127.0.0.0/8, ::1, and 127.0.0.0/8 mapped into IPv6 (a loopback address however it is spelled). */
    private static boolean isLoopback(IpAddress a) {
        return a.isLoopback() || a instanceof Ipv6Address v6 && v6.isIpv4Mapped() && (int) v6.low() >>> 24 == 127;
    }

    private static String join(List<?> values) {
        return values.stream().map(Object::toString).collect(Collectors.joining(" "));
    }

    /** A path can hold a newline; a comment line must not. */
    private static String commentSafe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }

    @Override
    public String toString() {
        return "ResolvConf[" + source + ": nameservers=" + nameservers + ", search=" + search + ", options=" + options
                + "]";
    }
}
