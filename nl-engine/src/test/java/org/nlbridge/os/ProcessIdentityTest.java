package org.nlbridge.os;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessIdentityTest {

    @TempDir
    Path tmp;

    /** The oracle is {@code id -u}, a process of its own that asks the kernel (geteuid), not /proc. */
    @Test
    void isWhatIdSays() throws Exception {
        Process p = new ProcessBuilder("id", "-u").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertEquals(0, p.waitFor());
        assertEquals(Integer.parseInt(out), ProcessIdentity.effectiveUid());
    }

    /** The effective uid is the second of the four on the Uid line (real, effective, saved, filesystem). */
    @Test
    void readsTheEffectiveOfTheFour() throws IOException {
        Path f = Files.writeString(tmp.resolve("status"), "Name:\tjava\nUid:\t1000\t65534\t1000\t1000\nGid:\t0\t0\t0\t0\n");
        assertEquals(65534, ProcessIdentity.effectiveUid(f));
    }

    /** Unreadable or malformed: root is assumed, so the trust checks run rather than being skipped. */
    @Test
    void unreadableOrMalformedMeansRoot() throws IOException {
        assertEquals(0, ProcessIdentity.effectiveUid(tmp.resolve("missing")));
        assertEquals(0, ProcessIdentity.effectiveUid(Files.writeString(tmp.resolve("bad"), "Uid:\tx\n")));
    }
}
