/**
 * Cluster-wide address management on the etcd store: {@link org.nlbridge.cluster.ipam.Claims} (claim a key if
 * absent, claim the first free of a candidate list, release only your own claim, all by compare-and-swap) and
 * {@link org.nlbridge.cluster.ipam.ClusterIpam} (addresses of one subnet on top of it).
 *
 * <p>Key layout, one key per address: {@code <prefix><address>}, e.g.
 * {@code /nlbridge/v1/networks/ov/ipam/10.60.0.7}, whose value names the holder (unique per holder, e.g.
 * {@code h1/web}) and which is attached to the holder host's lease when given one. A per-host block (flannel's
 * L3 design) is the same primitive with blocks as candidates: {@code claims.claimFirstFree(prefix + "blocks/",
 * candidateBlockKeys, host, hostLease)}.
 */
package org.nlbridge.cluster.ipam;
