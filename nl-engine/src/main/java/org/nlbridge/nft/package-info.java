/**
 * nftables over {@code NETLINK_NETFILTER}, without exec: atomic transactions ({@link org.nlbridge.nft.Nft},
 * {@link org.nlbridge.nft.Transaction}), tables of the ip, ip6, inet and bridge families, base and regular chains,
 * rules built in nft's word order ({@link org.nlbridge.nft.RuleBuilder}), named sets and maps with typed and
 * concatenated keys, interval sets, verdict maps and per-element counters, anonymous sets written into rules
 * ({@link org.nlbridge.nft.AnonymousSet}), elements added at O(1) each ({@link org.nlbridge.nft.ElementWriter}), and
 * listing back into the same objects, printed as {@code nft list} prints them.
 *
 * <p>Objects: {@link org.nlbridge.nft.Table}, {@link org.nlbridge.nft.Chain}, {@link org.nlbridge.nft.NamedSet},
 * {@link org.nlbridge.nft.Rule} (a list of {@link org.nlbridge.nft.Expr}), {@link org.nlbridge.nft.Element};
 * references {@link org.nlbridge.nft.TableRef}, {@link org.nlbridge.nft.ChainRef}, {@link org.nlbridge.nft.SetRef}.
 */
package org.nlbridge.nft;
