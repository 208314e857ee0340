package org.nlbridge.rtnl;

/** Receives the entries of a neighbour or FDB dump ({@link Neighbours#dump}). */
@FunctionalInterface
public interface NeighbourVisitor {

    /** One entry; the view is reused for the next one: copy out what you keep ({@link NeighbourView#toNeighbour()}). */
    void neighbour(NeighbourView entry);

    /** The dump was interrupted by a concurrent change and is about to be redone: forget what was collected. */
    default void restart() {}
}
