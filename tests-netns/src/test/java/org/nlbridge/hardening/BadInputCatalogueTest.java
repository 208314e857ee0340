package org.nlbridge.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.cli.RealCli;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Untouched;

/**
 * The bad inputs of {@code shared/reference/bad-inputs-faults-security.md} section 1 (names, CIDRs, MTU, DNS and
 * hostnames, switches, DSL-level mistakes) that a script can express ({@link BadInputs}), each added to a script that is applied already:
 * {@code check} and {@code apply} exit 1 naming the file and line, the key or value and what is accepted, and the
 * kernel (host and container: {@code ip -j}, {@code nft -j}, {@code /proc/sys}) and the state directory (store rows,
 * files) are the same before and after. The one input only the kernel can refuse (a bridge name held by another
 * kind of link) is refused by {@code plan} and {@code apply} before any change, at its line too (before: no line).
 */
@ExtendWith(SandboxExtension.class)
class BadInputCatalogueTest {

    @TempDir
    Path tmp;

    private World world;

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    private static final int BAD_LINE = 6;

    @Test
    void everyInputIsRefusedWithItsLineAndNothingChanges(Sandbox sb) {
        world = new World(sb, tmp.resolve("state"));
        String web = world.ctr("web");
        String ns = world.ctr("x");
        RealCli cli = new RealCli(world);
        assertEquals(0, cli.run("apply", script(web, null)).code());
        List<String> namespaces = List.of(world.host, web, ns);
        Untouched before = Untouched.of(world.state, namespaces);
        List<String> problems = new ArrayList<>();
        for (BadInputs.Bad b : BadInputs.CATALOGUE) {
            String file = script(web, b.lines().replace("'NS'", "'" + ns + "'"));
            for (String command : b.engineOnly() ? List.of("plan", "apply") : List.of("check", "plan", "apply")) {
                RealCli.Result r = cli.run(command, file);
                // what only the engine refuses (it reads the kernel) is reported at the script's line too
                String where = file + ":" + BAD_LINE + (b.engineOnly() ? ": invalid network x: " : "");
                boolean says = r.err().contains(where);
                for (String w : b.says()) says &= r.err().contains(w);
                if (r.code() != 1 || !says) {
                    problems.add(b.section() + ": " + command + " did not refuse at " + where + " naming "
                            + List.of(b.says()) + ": exit " + r.code() + ": " + (r.err() + r.out()).strip());
                }
            }
            try {
                before.assertSameAs(Untouched.of(world.state, namespaces), b.section());
            } catch (AssertionError changed) {
                problems.add(changed.getMessage());
                before = Untouched.of(world.state, namespaces);
            }
        }
        assertEquals(List.of(), problems, problems.size() + " of " + BadInputs.CATALOGUE.size() + " inputs");
    }

    /** The applied script (two networks, a published container), plus {@code bad} on line {@value #BAD_LINE}. */
    private String script(String web, String bad) {
        String s = BadInputs.APPLIED.formatted(web) + (bad == null ? "" : bad + "\n");
        return RealCli.script(tmp, bad == null ? "good.groovy" : "bad.groovy", s).toString();
    }
}
