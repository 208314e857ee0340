package org.nlbridge.rtnl;

/** Receives the links of {@link Links#dump}, one reused {@link LinkView} at a time. */
@FunctionalInterface
public interface LinkVisitor {

    /** One link. The view is valid only during this call; copy out what you keep ({@link LinkView#toLink()}). */
    void link(LinkView link);

    /** The dump was interrupted by a concurrent change and is starting over: forget what you collected. */
    default void restart() {}
}
