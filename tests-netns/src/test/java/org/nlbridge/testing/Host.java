package org.nlbridge.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the machine the tests run on. */
public final class Host {
    private Host() {}

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Whether an executable is on PATH. */
    public static boolean has(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }
}
