package org.nlbridge.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.cli.RealCli;
import org.nlbridge.client.ApiJson;
import org.nlbridge.daemon.DaemonProcess;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.dsl.ScriptLoader;
import org.nlbridge.dsl.ScriptTrust;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Untouched;

/**
 * The bad-input catalogue of {@link BadInputs} (the inputs {@link BadInputCatalogueTest} gives the CLI) sent as JSON
 * to a daemon ({@code POST /v1/apply}) on a real engine in a sandbox host namespace, each added to the desired state
 * the daemon has applied already; then the inputs only a JSON body can carry (malformed JSON, duplicate keys, wrong
 * JSON types, depth, a number too long). Each is answered 400 with a one-line message naming the object and field,
 * the bad value and what is accepted, and the kernel (host and container namespaces: {@code ip -j}, {@code nft -j},
 * {@code /proc/sys}) and the state directory (every store row, the daemon's desired-state file) are identical
 * before and after.
 */
@ExtendWith(SandboxExtension.class)
class BadInputApiTest {

    @TempDir
    Path tmp;

    private World world;

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    /** A body only JSON can get wrong: made from the good body's text, and words the message must contain. */
    private record Wire(String what, java.util.function.UnaryOperator<String> body, String... says) {}

    private static final List<Wire> WIRE = List.of(
            new Wire("an empty body", good -> "", "desired state", "empty body", "expected a JSON document"),
            new Wire("a body cut short", good -> good.substring(0, good.length() / 2), "not valid JSON", "expected a JSON document"),
            new Wire("trailing tokens", good -> good + " {}", "not valid JSON", "expected a JSON document"),
            new Wire("a comment", good -> "/* x */ " + good, "not valid JSON"),
            new Wire("a duplicate key", good -> good.replaceFirst("\\{", "{\"userRules\":[],"), "not valid JSON", "userRules"),
            new Wire("not an object", good -> "[" + good + "]", "desired state", "not a JSON object", "expected an object"),
            new Wire("an unknown top-level key", good -> good.replaceFirst("\\{", "{\"volumes\":[],"), "volumes", "unknown key",
                    "expected one of containers, networks, userRules"),
            new Wire("a container that is not an object", good -> good.replace("\"containers\":[", "\"containers\":[5,"),
                    "container", "\"5\"", "not a JSON object"),
            new Wire("a container without a name", good -> good.replace("\"containers\":[", "\"containers\":[{\"netns\":\"n\"},"),
                    "container: name", "missing", "expected a string"),
            new Wire("a name that is not a string", good -> good.replace("\"containers\":[", "\"containers\":[{\"name\":7},"),
                    "container: name", "\"7\"", "not a JSON string"),
            new Wire("publish not an array", good -> good.replace("\"publish\":[\"8080:80/tcp\"]", "\"publish\":\"8080:80/tcp\""),
                    "container web: publish", "8080:80"),
            new Wire("an mtu of 40 digits", good -> good.replace("\"mtu\":null", "\"mtu\":" + "9".repeat(40)), "not valid JSON",
                    "expected a JSON document"),
            new Wire("an mtu that is a fraction", good -> good.replace("\"mtu\":null", "\"mtu\":1500.5"), "network bridge: mtu",
                    "1500.5", "not a whole number"),
            new Wire("nesting 40 deep", good -> good.replaceFirst("\\{",
                    "{\"volumes\":" + "[".repeat(40) + "]".repeat(40) + ","), "not valid JSON"));

    @Test
    void everyInputIsAnswered400NamingFieldValueAndAcceptedFormAndNothingChanges(Sandbox sb) {
        world = new World(sb, tmp.resolve("state"));
        String web = world.ctr("web");
        String ns = world.ctr("x");
        ObjectNode good = ApiJson.toJson(ScriptLoader.withTrust(ScriptTrust.none()).load(Path.of(RealCli.script(tmp,
                "good.groovy", BadInputs.APPLIED.formatted(web)).toString())));
        List<String> namespaces = List.of(world.host, web, ns);
        List<String> problems = new ArrayList<>();
        try (DaemonProcess d = new DaemonProcess(world.host, tmp).start()) {
            d.call("POST", "/v1/apply", good).ok();
            Untouched before = Untouched.of(world.state, namespaces);
            for (BadInputs.Bad b : BadInputs.CATALOGUE) {
                ObjectNode body = good.deepCopy();
                ((ArrayNode) body.get(b.kind() + "s")).add(b.object(ns));
                String name = b.object(ns).path("name").asText();
                List<String> says = new ArrayList<>(List.of(b.says()));
                // the object is named as the path to the field (network x: mtu) or as the value ("network "bridge")
                says.add(b.kind() + (name.equals("x") ? " x" : " \"" + name + "\""));
                if (!b.engineOnly()) says.add("; expected ");
                before = check(d, b.section(), DaemonProcess.JSON.valueToTree(body).toString(), says, before, namespaces,
                        problems);
            }
            String text = good.toString();
            for (Wire w : WIRE) {
                String body = w.body().apply(text);
                if (body.equals(text)) throw new AssertionError(w.what() + ": the good body is not what the case expects: " + text);
                before = check(d, w.what(), body, List.of(w.says()), before, namespaces, problems);
            }
            assertEquals(143, d.term());
        }
        assertEquals(List.of(), problems, problems.size() + " of " + (BadInputs.CATALOGUE.size() + WIRE.size()) + " inputs");
    }

    /** Sends {@code body}, records what is wrong with the answer or the kernel and state after it; the new snapshot. */
    private Untouched check(DaemonProcess d, String what, String body, List<String> says, Untouched before,
                            List<String> namespaces, List<String> problems) {
        DaemonProcess.Answer a = d.call("POST", "/v1/apply", body);
        String message = a.body() == null ? "" : a.body().path("message").asText();
        boolean named = says.stream().allMatch(message::contains) && !message.contains("\n");
        if (a.status() != 400 || !named) {
            problems.add(what + ": answered " + a.status() + " \"" + message + "\", not 400 naming " + says);
        }
        try {
            before.assertSameAs(Untouched.of(world.state, namespaces), what);
            return before;
        } catch (AssertionError changed) {
            problems.add(changed.getMessage());
            return Untouched.of(world.state, namespaces);
        }
    }
}
