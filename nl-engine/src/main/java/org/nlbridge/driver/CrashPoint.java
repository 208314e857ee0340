package org.nlbridge.driver;

/**
 * Test-only fault injection, in the style of moby's {@code DOCKER_TEST_BRIDGE_INIT_ERROR} and CNI's
 * {@code debugPostIPAMError}: with {@code -Dnlbridge.test.crashAt=<step>} the engine process dies at that named
 * step of an attach as {@code kill -9} would kill it ({@link Runtime#halt}: no finally block, no shutdown hook, exit
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

    private static final String AT = System.getProperty(PROPERTY);

    public static void at(String step) {
        if (AT != null && AT.equals(step)) {
            Runtime.getRuntime().halt(137);
        }
    }
}
