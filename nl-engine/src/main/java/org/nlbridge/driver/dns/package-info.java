/**
 * The DNS and host-name overlay of a container, Docker-style: {@link org.nlbridge.driver.dns.ResolvConf} turns the
 * host's resolver configuration and the user's {@link org.nlbridge.spec.DnsSpec} into the container's
 * resolv.conf, {@link org.nlbridge.driver.dns.HostsFile} writes {@code /etc/hosts} and {@code /etc/hostname}, and
 * {@link org.nlbridge.driver.dns.DnsOverlay} keeps the three files per container and returns their bind mounts.
 */
package org.nlbridge.driver.dns;
