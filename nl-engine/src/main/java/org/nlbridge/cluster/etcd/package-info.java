/**
 * The cluster store: a client of etcd 3.4+ through its v3 JSON gateway over {@code java.net.http}.
 * {@link org.nlbridge.cluster.etcd.EtcdClient} is the entry point (keys, transactions, leases, watches);
 * {@link org.nlbridge.cluster.etcd.EtcdConfig} parses Docker's {@code --cluster-store} and
 * {@code --cluster-store-opt}. Depends only on {@code org.nlbridge.net} and Jackson.
 */
package org.nlbridge.cluster.etcd;
