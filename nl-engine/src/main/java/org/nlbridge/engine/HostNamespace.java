package org.nlbridge.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import org.nlbridge.net.ValidationException;
import org.nlbridge.netns.NetNs;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkMode;

/**
 * The namespace that plays the host, as a check on desired states: a container whose own namespace ({@code netns})
 * is the host's would get its {@code eth0} and default route in the host. Refused by name ({@code netns} equal to
 * {@code --host-netns}) and by identity ({@code /run/netns/NAME} the same namespace as the host's: the same nsfs
 * inode, as {@code stat} shows it), before anything is changed. Containers on {@code network 'host'} share the
 * host's namespace on purpose and are not concerned.
 *
 * <p>The engine checks every desired state it plans or applies ({@link Planner}), whatever the front end; the
 * command line and the daemon also call it themselves, so that a script's error names its line and {@code check}
 * (which opens no engine) refuses it too.
 */
public final class HostNamespace {

    private final String name;
    private final Object identity;

    private HostNamespace(String name, Object identity) {
        this.name = name;
        this.identity = identity;
    }

    /** The host namespace an engine with {@code hostNetns} works on (null: the namespace of the calling thread). */
    public static HostNamespace of(String hostNetns) {
        Path p = hostNetns == null ? Path.of("/proc/thread-self/ns/net") : NetNs.RUN_DIR.resolve(NetNs.validName("host-netns", hostNetns));
        return new HostNamespace(hostNetns, identity(p));
    }

    /** The identity of the namespace at {@code p} (device and inode), or null if there is none. */
    private static Object identity(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class).fileKey(); // follows /proc's magic link
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null; // unreadable: the engine's own checks meet it
        }
    }

    /** Refuses the first container whose namespace is the host's. */
    public void check(DesiredState desired) {
        for (ContainerSpec c : desired.containers()) {
            if (c.network() instanceof NetworkMode.Host || c.network() instanceof NetworkMode.Container) continue;
            if (c.handover() != null) continue; // its runtime moves the interface into a namespace of its own
            String host = name != null ? "the host namespace (--host-netns " + name + ")" : "the namespace nlbridge runs in, the host's";
            if (c.netns().equals(name)) refuse(c, "it is " + host);
            if (identity != null && identity.equals(identity(NetNs.RUN_DIR.resolve(c.netns())))) {
                refuse(c, NetNs.RUN_DIR.resolve(c.netns()) + " is " + host);
            }
        }
    }

    private static void refuse(ContainerSpec c, String why) {
        throw new ValidationException("container " + c.name() + ": netns", c.netns(), why + ", where the container's "
                + c.ifname() + " and default route would land", "a namespace of the container's own (network 'host'"
                + " is the way to share the host's)");
    }
}
