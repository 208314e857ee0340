package org.nlbridge.driver.dns;

import java.util.List;
import java.util.Objects;

/**
 * One entry of an OCI runtime spec's {@code mounts} array: what a runtime (runc, crun, or
 * {@code org.nlbridge.driver.run.NetnsLauncher}) must bind over a path inside the container.
 *
 * @param destination absolute path inside the container, e.g. {@code /etc/resolv.conf}
 * @param type        {@code bind}
 * @param source      absolute path of the file on the host
 * @param options     mount options in OCI spelling, e.g. {@code rbind}, {@code rprivate}, {@code ro}
 */
public record Mount(String destination, String type, String source, List<String> options) {

    public Mount {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        options = List.copyOf(options);
    }

    public boolean readOnly() {
        return options.contains("ro");
    }
}
