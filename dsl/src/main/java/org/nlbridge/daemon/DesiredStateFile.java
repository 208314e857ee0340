package org.nlbridge.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.client.ApiJson;
import org.nlbridge.engine.Engine;
import org.nlbridge.spec.DesiredState;

/**
 * The daemon's desired state on disk: {@code <state>/daemon-desired.json}, a document of the daemon's own beside the
 * engine's store (which only the engine opens), replaced as a whole on every save: written to a temporary file,
 * flushed to the disk, renamed over the old one and the directory flushed, so a crash leaves the old document or the
 * new one, never a mix, and a save that returned survives power loss.
 *
 * <p>Format 1, one line of JSON: {@code {"format":1,"desired":DESIRED}}, where DESIRED is the desired state in the
 * JSON of API v1 ({@code GET /v1/desired}, openapi.yaml's {@code DesiredState}). A golden file in the tests pins it,
 * so a change of the API's JSON that would change it has to come with format 2 and a migration here. A document of a
 * newer format is refused, not guessed at.
 *
 * <p>Before format 1 the daemon kept DESIRED alone in the engine's state store (meta key {@value #LEGACY_KEY}). A
 * daemon that finds no file takes that value from the engine once ({@link Engine#takeFrontEndValue}), and the
 * engine forgets it only once the file is written.
 */
final class DesiredStateFile implements DaemonState {

    static final String FILE = "daemon-desired.json";
    static final int FORMAT = 1;
    static final String LEGACY_KEY = "daemon.desired";

    private final Path file;

    private DesiredStateFile(Path file) {
        this.file = file;
    }

    /** The document in {@code stateDir}; without one, what the engine's store kept for the daemon becomes one. */
    static DesiredStateFile open(Path stateDir, Engine engine) {
        DesiredStateFile f = new DesiredStateFile(stateDir.resolve(FILE));
        if (!Files.exists(f.file, LinkOption.NOFOLLOW_LINKS)) {
            engine.takeFrontEndValue(LEGACY_KEY, json -> {
                f.saveDesired(decodeLegacy(json));
                Daemon.log("moved the desired state from the engine's state store (meta key " + LEGACY_KEY + ") to "
                        + f.file + " (format " + FORMAT + ")");
            });
        }
        return f;
    }

    Path file() {
        return file;
    }

    @Override
    public Optional<DesiredState> loadDesired() {
        return AtomicFile.read(file, "the daemon's desired state", DesiredStateFile::decode);
    }

    @Override
    public void saveDesired(DesiredState desired) {
        try {
            AtomicFile.write(file, encode(desired));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the daemon's desired state in " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<CniPart> loadCni() {
        return CniPart.load(file.resolveSibling(CniPart.FILE));
    }

    @Override
    public void saveCni(CniPart cni, boolean durable) {
        CniPart.save(file.resolveSibling(CniPart.FILE), cni, durable);
    }

    @Override
    public void close() {
        // every save is complete when it returns
    }

    /** Format {@value #FORMAT}: one line and a newline. */
    static byte[] encode(DesiredState desired) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("format", FORMAT);
        o.set("desired", ApiJson.toJson(desired));
        return (ApiJson.write(o) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static DesiredState decode(byte[] bytes) {
        JsonNode n = ApiJson.parse("the document", bytes);
        if (!n.isObject()) throw new IllegalArgumentException("not a JSON object");
        JsonNode format = n.get("format");
        if (format == null || !format.isIntegralNumber()) {
            throw new IllegalArgumentException("no \"format\" number (format " + FORMAT + " reads {\"format\":" + FORMAT
                    + ",\"desired\":{...}})");
        }
        if (format.asLong() != FORMAT) {
            throw new IllegalArgumentException("format " + format.asText() + (format.asLong() > FORMAT
                    ? ", written by a newer nlbridge" : ", unknown") + "; this one reads format " + FORMAT);
        }
        for (var names = n.fieldNames(); names.hasNext(); ) {
            String k = names.next();
            if (!k.equals("format") && !k.equals("desired")) throw new IllegalArgumentException("unknown key \"" + k + "\"");
        }
        JsonNode desired = n.get("desired");
        if (desired == null) throw new IllegalArgumentException("no \"desired\" state");
        return ApiJson.desiredState(desired);
    }

    /** What the daemon stored before format 1: the desired state in API v1's JSON, alone. */
    static DesiredState decodeLegacy(String json) {
        try {
            return ApiJson.desiredState(ApiJson.parse("desired state", json.getBytes(StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            throw new IllegalStateException("the desired state the daemon kept in the engine's state store (meta key "
                    + LEGACY_KEY + ") cannot be read: " + e.getMessage(), e);
        }
    }
}
