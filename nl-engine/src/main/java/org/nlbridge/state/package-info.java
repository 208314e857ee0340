/**
 * The engine's durable state in SQLite ({@link org.nlbridge.state.StateStore}): networks, endpoints, published
 * ports, containers and inserted user-hook rules, as typed records in and out. The only package that speaks
 * {@code java.sql}; its schema is versioned and upgraded in place ({@code Schema}).
 *
 * <p>Use: {@code store.write(tx -> ...)} for anything that changes state (one {@code BEGIN IMMEDIATE}
 * transaction, so engine processes on one host take turns), {@code store.read(tx -> ...)} for queries.
 * Inside, {@code tx.networks()}, {@code tx.endpoints()}, {@code tx.ports()}, {@code tx.containers()},
 * {@code tx.userRules()} and {@code tx.meta()} hold each table's SQL.
 *
 * <p>The endpoint row is the intent journal of an attach: written in ATTACHING before the first syscall,
 * ATTACHED after the last, DETACHING before teardown, deleted after it. It is also the address
 * allocation, so there is no allocation without an owner; see {@link org.nlbridge.state.Phase}.
 */
package org.nlbridge.state;
