package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.dsl.ScriptLoader;
import org.nlbridge.dsl.ScriptTrust;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.testing.MemoryEngine;

/**
 * The daemon's own desired-state document: format 1 pinned by a golden file, saved atomically, refused when it cannot
 * be read, and taken over once from what today's main kept in the engine's store (the fixture in
 * {@code legacy-state/}, written by commit a599235's daemon code).
 */
class DesiredStateFileTest {

    @TempDir
    Path dir;

    private static DesiredState fixture;

    /** The desired state of the legacy fixture: every key of networks, containers and user rules. */
    static synchronized DesiredState fixture() {
        if (fixture == null) fixture = ScriptLoader.withTrust(ScriptTrust.none()).load(resource("legacy-state/script.groovy"));
        return fixture;
    }

    static Path resource(String name) {
        try {
            return Path.of(DesiredStateFileTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What today's main wrote in the meta table, read out of a copy of the fixture with SQL (the fixture has that
     * release's schema whatever the engine's store is now; the daemon itself never opens the store).
     */
    static String legacyValue(Path scratch) throws IOException, SQLException {
        Path db = Files.copy(resource("legacy-state/state.db"), Files.createDirectories(scratch).resolve("state.db"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toUri());
             PreparedStatement q = c.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            q.setString(1, DesiredStateFile.LEGACY_KEY);
            try (ResultSet rs = q.executeQuery()) {
                assertTrue(rs.next(), "the fixture holds " + DesiredStateFile.LEGACY_KEY);
                return rs.getString(1);
            }
        }
    }

    @Test
    void formatOneIsPinnedByAGoldenFile() throws IOException {
        byte[] golden;
        try (InputStream in = getClass().getResourceAsStream("/daemon-desired-format1.json")) {
            golden = in.readAllBytes();
        }
        assertEquals(fixture(), DesiredStateFile.decode(golden));
        assertEquals(new String(golden, StandardCharsets.UTF_8),
                new String(DesiredStateFile.encode(fixture()), StandardCharsets.UTF_8),
                "the API's JSON changed the stored format: make it format 2, with a migration from 1");
    }

    @Test
    void savesAtomicallyForTheOwnerOnlyAndReadsBack() throws IOException {
        DesiredStateFile f = DesiredStateFile.open(dir, new MemoryEngine());
        assertEquals(Optional.empty(), f.loadDesired());
        f.saveDesired(fixture());
        assertEquals(Optional.of(fixture()), f.loadDesired());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.file())));
        DesiredState smaller = new DesiredState(fixture().networks(), List.of(), null);
        f.saveDesired(smaller);
        assertEquals(Optional.of(smaller), DesiredStateFile.open(dir, new MemoryEngine()).loadDesired());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(DesiredStateFile.FILE), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aDocumentItCannotReadIsRefusedWithWhatToDo() throws IOException {
        DesiredStateFile f = DesiredStateFile.open(dir, new MemoryEngine());
        Files.writeString(f.file(), "{\"format\":2,\"desired\":{}}\n");
        var e = assertThrows(IllegalStateException.class, f::loadDesired);
        assertEquals("the daemon's desired state " + f.file() + " cannot be read: format 2, written by a newer nlbridge;"
                + " this one reads format 1 (move it away to start with none)", e.getMessage());
        Files.writeString(f.file(), "{\"networks\":[],\"containers\":[],\"userRules\":[]}");
        e = assertThrows(IllegalStateException.class, f::loadDesired);
        assertTrue(e.getMessage().contains("no \"format\" number"), e.getMessage());
        Files.writeString(f.file(), "{\"format\":1,\"desired\":{\"networks\":[{\"name\":\"n\",\"mtu\":\"x\"}]}}");
        e = assertThrows(IllegalStateException.class, f::loadDesired);
        assertTrue(e.getMessage().contains("invalid network n: mtu \"\\\"x\\\"\": not a whole number"), e.getMessage());
    }

    @Test
    void whatTodaysMainKeptInTheEngineIsTakenOverOnce() throws Exception {
        MemoryEngine engine = new MemoryEngine();
        String legacy = legacyValue(dir.resolve("old"));
        engine.frontEndValues.put(DesiredStateFile.LEGACY_KEY, legacy);
        Path state = Files.createDirectory(dir.resolve("state"));
        DesiredStateFile f = DesiredStateFile.open(state, engine);
        assertEquals(Optional.of(fixture()), f.loadDesired());
        assertTrue(engine.frontEndValues.isEmpty(), "the engine forgot it");
        // once the daemon has its file, the engine's store is never asked again
        engine.frontEndValues.put(DesiredStateFile.LEGACY_KEY, "{}");
        f.saveDesired(new DesiredState(List.of(), List.of(), null));
        assertEquals(0, DesiredStateFile.open(state, engine).loadDesired().orElseThrow().networks().size());
        assertEquals("{}", engine.frontEndValues.get(DesiredStateFile.LEGACY_KEY));
    }

    @Test
    void aLegacyValueItCannotReadStaysInTheEngine() {
        MemoryEngine engine = new MemoryEngine();
        engine.frontEndValues.put(DesiredStateFile.LEGACY_KEY, "{\"networks\":[{\"name\":\"n\",\"mtu\":0}]}");
        var e = assertThrows(IllegalStateException.class, () -> DesiredStateFile.open(dir, engine));
        assertTrue(e.getMessage().startsWith("the desired state the daemon kept in the engine's state store (meta key"
                + " daemon.desired) cannot be read: invalid network n: mtu \"0\""), e.getMessage());
        assertEquals(1, engine.frontEndValues.size());
        assertFalse(Files.exists(dir.resolve(DesiredStateFile.FILE)));
    }
}
