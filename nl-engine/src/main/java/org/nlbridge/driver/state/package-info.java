/**
 * The bridge driver's durable state in SQLite ({@link org.nlbridge.driver.state.StateStore}): networks,
 * endpoints and published ports, as typed records in and out.
 *
 * <p>Use: {@code store.write(tx -> ...)} for anything that changes state (one {@code BEGIN IMMEDIATE}
 * transaction, so engine processes on one host take turns), {@code store.read(tx -> ...)} for queries.
 * Inside, {@code tx.networks()}, {@code tx.endpoints()}, {@code tx.ports()} and {@code tx.meta()} hold
 * each table's SQL.
 *
 * <p>The endpoint row is the intent journal of the driver: written in ATTACHING before the first syscall,
 * ATTACHED after the last, DETACHING before teardown, deleted after it. It is also the address
 * allocation, so there is no allocation without an owner; see {@link org.nlbridge.driver.state.Phase}.
 */
package org.nlbridge.driver.state;
