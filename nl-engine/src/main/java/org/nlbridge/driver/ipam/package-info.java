/**
 * IP address management for bridge networks: {@link org.nlbridge.driver.ipam.SubnetRules} validates a
 * network's subnets before anything is created, {@link org.nlbridge.driver.ipam.Ipam} stores networks and
 * hands out addresses inside the state store's write transactions.
 */
package org.nlbridge.driver.ipam;
