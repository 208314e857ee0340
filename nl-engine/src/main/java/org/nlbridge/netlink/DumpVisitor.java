package org.nlbridge.netlink;

/** Receives the reply messages of a {@link Dump}. */
@FunctionalInterface
public interface DumpVisitor {

    /**
     * One reply message. The cursor (and the buffer under it) is reused for the next message: copy out what you keep.
     */
    void message(MsgCursor msg);

    /**
     * The kernel flagged the dump as interrupted by a concurrent change ({@code NLM_F_DUMP_INTR}) and it is about to
     * be redone from the start: forget everything {@link #message} has collected so far.
     */
    default void restart() {}
}
