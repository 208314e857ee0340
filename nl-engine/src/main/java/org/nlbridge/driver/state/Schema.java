package org.nlbridge.driver.state;

import java.util.List;
import java.util.stream.Stream;

/**
 * The schema's versions, kept in {@code PRAGMA user_version}. Each table class owns its DDL next to its
 * queries; this class only orders the steps. Step i takes the file from version i to i + 1, so a future
 * change appends a step (ALTER TABLE ...) and never edits an old one.
 */
final class Schema {

    static final List<List<String>> STEPS = List.of(
            Stream.of(NetworkTable.DDL, EndpointTable.DDL, PortTable.DDL, MetaTable.DDL)
                    .flatMap(List::stream).toList());

    /** The version this code reads and writes. */
    static final int VERSION = STEPS.size();

    private Schema() {}
}
