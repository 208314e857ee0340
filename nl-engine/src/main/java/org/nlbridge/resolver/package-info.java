/**
 * The embedded name server: container name resolution as Docker's 127.0.0.11 does it (and netavark's aardvark-dns).
 *
 * <p>{@link org.nlbridge.resolver.DnsServer} listens on 127.0.0.11:53, UDP and TCP, inside each container's network
 * namespace (a {@link org.nlbridge.resolver.ListenerSpec} per container; the sockets are opened there through
 * {@link org.nlbridge.netns.NetNs#call} and keep that namespace). A query is answered from the
 * {@link org.nlbridge.resolver.NetworkNames} tables of the networks the container is on (names, aliases,
 * {@code name.network}, PTR), or forwarded to the container's {@link org.nlbridge.resolver.Upstream} servers from the
 * host's namespace, or, for a container only on internal networks, refused with SERVFAIL.
 *
 * <p>Bounds ({@link org.nlbridge.resolver.DnsServerOptions}): query size, one question per query, a token bucket
 * per listener, forwarded queries in flight (in all and per listener) with a timeout per upstream, TCP connections
 * (per listener and in all) with an idle timeout, UDP answers within 512 bytes or the client's EDNS size (capped),
 * truncated with TC otherwise. Only loopback clients are served. Malformed input gets FORMERR (12 bytes, never more
 * than was sent) or nothing.
 *
 * <p>Wire format: dnsjava's {@code Message} (parsing and rendering only; its resolvers and caches are not used).
 *
 * <p>How the daemon drives it: one {@code DnsServer} for the daemon's life, started with the host namespace; at start
 * {@link org.nlbridge.resolver.DnsServer#networks} with every user network's table (never the default network
 * {@code bridge}: Docker gives it no name resolution) and one {@link org.nlbridge.resolver.DnsServer#attach} per
 * running container on such a network. A container that starts, connects or disconnects: the tables of its networks
 * rebuilt ({@link org.nlbridge.resolver.NetworkNames#with}/{@code without}) and swapped, and {@code attach} or
 * {@link org.nlbridge.resolver.DnsServer#update}; one that is removed: {@code without} and
 * {@link org.nlbridge.resolver.DnsServer#detach}, which must not be forgotten, since an open socket keeps its network
 * namespace alive. A rename is {@code without(old).with(new)}; the listener key (the netns name) stays.
 * This package sits with the drivers: it uses {@code net}, {@code netns} and the JDK, nothing of the engine.
 */
package org.nlbridge.resolver;
