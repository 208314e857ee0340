/**
 * Strict value types for everything a user can hand to nlbridge: addresses, prefixes, MAC addresses,
 * interface names, MTUs, published ports and the names written into resolv.conf and /etc/hosts.
 *
 * <p>Conventions shared by every type here:
 * <ul>
 *   <li>{@code parse(field, text)} is the door for user input (API, DSL, CLI). It never resolves
 *       names, never trims or reinterprets, and fails with a {@link org.nlbridge.net.ValidationException}
 *       whose message names the field, the value and the accepted form.</li>
 *   <li>{@code of(...)} builds a value from raw numbers or bytes that come from code or the kernel;
 *       out-of-range raw values are programming errors and throw {@link IllegalArgumentException}.</li>
 *   <li>Instances are immutable; {@code toString()} is the canonical text, and
 *       {@code parse(field, x.toString())} gives back an equal value.</li>
 *   <li>{@code writeTo(MemorySegment, offset)} encodes into caller-owned memory without allocating.</li>
 * </ul>
 */
package org.nlbridge.net;
