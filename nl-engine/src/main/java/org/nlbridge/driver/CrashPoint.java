package org.nlbridge.driver;

/**
 * Test-only fault injection, in the style of moby's {@code DOCKER_TEST_BRIDGE_INIT_ERROR} and CNI's
 * {@code debugPostIPAMError}: with {@code -Dnlbridge.test.crashAt=<step>} the engine process dies at that named
 * step of an attach, a detach or a removal as {@code kill -9} would kill it ({@link Runtime#halt}: no finally block, no shutdown hook, exit
 * status 137), so a test can show that the next engine's reconcile leaves nothing behind.
 *
 * <p>The property is read once, into a constant: when it is unset (always, outside tests) every check is a test of
 * a {@code static final} null, which the JIT folds away.
 */
public final class CrashPoint {
    private CrashPoint() {}

    public static final String PROPERTY = "nlbridge.test.crashAt";

    /** Every endpoint of the attach is journalled (ATTACHING, with its address and ports); no veth exists yet. */
    public static final String JOURNALLED = "journalled";
    /** The host-side veths exist (peers in the containers, on the bridge, hairpin on); nothing inside yet. */
    public static final String HOST_BATCH = "host-batch";
    /** Every container side is configured (address, up, routes); no firewall entry yet. */
    public static final String CONTAINER_SIDE = "container-side";
    /** The first endpoint's firewall entries exist; it is still ATTACHING in the store. */
    public static final String BEFORE_ATTACHED = "before-attached";
    /** The first endpoint is ATTACHED; the others, the container records and the files are not done. */
    public static final String AFTER_ATTACHED = "after-attached";

    /** The first endpoint of a detach is journalled DETACHING; its veth and firewall entries are still there. */
    public static final String DETACHING = "detaching";
    /** The first endpoint's veth and firewall entries are gone; its addresses are not released yet. */
    public static final String DETACHED = "detached";
    /** A removed container's files are gone; its namespace and record are not. */
    public static final String FORGETTING = "forgetting";
    /** A removed network's firewall rules are gone; its bridge and record are not. */
    public static final String NETWORK_REMOVING = "network-removing";
    /** A new container's namespace is about to be created; its record already says the engine creates it. */
    public static final String NETNS_JOURNALLED = "netns-journalled";

    /** Every crash point, in the order a request that attaches, detaches and removes passes them. */
    public static final java.util.List<String> ALL = java.util.List.of(DETACHING, DETACHED, NETWORK_REMOVING,
            NETNS_JOURNALLED, JOURNALLED, HOST_BATCH, CONTAINER_SIDE, BEFORE_ATTACHED, AFTER_ATTACHED, FORGETTING);

    private static final String AT = System.getProperty(PROPERTY);

    public static void at(String step) {
        if (AT != null && AT.equals(step)) {
            Runtime.getRuntime().halt(137);
        }
    }
}
