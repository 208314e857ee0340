package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.dsl.ScriptTraits;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineOptions;
import org.nlbridge.netns.NetNs;

/**
 * A state directory written by today's main (the fixture {@code legacy-state/state.db}, desired state in the engine
 * store's meta key {@code daemon.desired}) is adopted through the real engine: its store opens it (with whatever
 * schema migration it has by then), hands the daemon the value once and forgets it. Root: the engine opens a scratch
 * host namespace, deleted afterwards; nothing is applied.
 */
class LegacyStateDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void aStateDirectoryOfTodaysMainIsTakenOver() throws Exception {
        assumeTrue(ScriptTraits.root(), "needs root to open the engine on a scratch namespace");
        Path state = Files.createDirectory(dir.resolve("state"));
        Files.copy(DesiredStateFileTest.resource("legacy-state/state.db"), state.resolve("state.db"));
        String ns = "nlbt-legacy-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt(), 6);
        NetNs.create(ns).close();
        try {
            try (Engine engine = Engine.open(new EngineOptions(ns, state))) {
                DesiredStateFile f = DesiredStateFile.open(state, engine);
                assertEquals(Optional.of(DesiredStateFileTest.fixture()), f.loadDesired());
                assertFalse(engine.takeFrontEndValue(DesiredStateFile.LEGACY_KEY, v -> { }), "the engine forgot it");
            }
            assertTrue(Files.isRegularFile(state.resolve(DesiredStateFile.FILE)));
        } finally {
            NetNs.delete(ns);
        }
    }
}
