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
 * hostnames, switches, DSL-level mistakes) that a script can express, each added to a script that is applied already:
 * {@code check} and {@code apply} exit 1 naming the file and line, the key or value and what is accepted, and the
 * kernel (host and container: {@code ip -j}, {@code nft -j}, {@code /proc/sys}) and the state directory (store rows,
 * files) are the same before and after. The one input only the kernel can refuse (a bridge name held by another
 * kind of link) is refused by {@code plan} and {@code apply} before any change, naming the network but no line.
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

    /**
     * A bad input: the section of the catalogue, the lines added to the script, whether only the engine can refuse it
     * (it needs the kernel, which {@code check} does not read), and words the error must contain.
     */
    private record Bad(String section, String lines, boolean engineOnly, String... says) {}

    private static final List<Bad> CATALOGUE = List.of(
            new Bad("1a empty bridge name", "network('x') { bridge ''; bip '172.30.60.1/24' }", false, "bridge"),
            new Bad("1a name of 16 bytes", "network('x') { bridge 'abcdefghijklmnop'; bip '172.30.60.1/24' }", false,
                    "abcdefghijklmnop"),
            new Bad("1a slash in a name", "network('x') { bridge 'br/0'; bip '172.30.60.1/24' }", false, "br/0"),
            new Bad("1a colon in a name", "network('x') { bridge 'br:0'; bip '172.30.60.1/24' }", false, "br:0"),
            new Bad("1a whitespace in a name", "network('x') { bridge 'br 0'; bip '172.30.60.1/24' }", false, "br 0"),
            new Bad("1a all", "network('x') { bridge 'all'; bip '172.30.60.1/24' }", false, "all"),
            new Bad("1a default", "network('x') { bridge 'default'; bip '172.30.60.1/24' }", false, "default"),
            new Bad("1a lo", "network('x') { bridge 'lo'; bip '172.30.60.1/24' }", false, "lo"),
            new Bad("1a dot-dot", "network('x') { bridge '..'; bip '172.30.60.1/24' }", false, ".."),
            new Bad("1a non-ASCII", "network('x') { bridge 'brü0'; bip '172.30.60.1/24' }", false, "brü0"),
            new Bad("1a the name of an existing non-bridge link", "network('x') { bridge 'eup'; bip '172.30.60.1/24' }",
                    true, "eup"),
            new Bad("1a a bridge name another network uses", "network('x') { bridge 'nlb6'; bip '172.30.60.1/24' }",
                    false, "nlb6"),
            new Bad("1b no prefix", "network('x') { bridge 'nlbx'; bip '172.30.60.1' }", false, "172.30.60.1"),
            new Bad("1b prefix over 32", "network('x') { bridge 'nlbx'; bip '172.30.60.1/33' }", false, "/33"),
            new Bad("1b /31", "network('x') { bridge 'nlbx'; bip '172.30.60.1/31' }", false, "/31"),
            new Bad("1b /32", "network('x') { bridge 'nlbx'; bip '172.30.60.1/32' }", false, "/32"),
            new Bad("1b gateway = network address", "network('x') { bridge 'nlbx'; bip '172.30.60.0/24' }", false,
                    "172.30.60.0"),
            new Bad("1b gateway = broadcast", "network('x') { bridge 'nlbx'; bip '172.30.60.255/24' }", false,
                    "172.30.60.255"),
            new Bad("1b fixedCidr outside bip", "network('x') { bridge 'nlbx'; bip '172.30.60.1/24'; fixedCidr '10.0.0.0/24' }",
                    false, "10.0.0.0/24"),
            new Bad("1b fixedCidr larger than bip", "network('x') { bridge 'nlbx'; bip '172.30.60.1/24'; fixedCidr '172.30.0.0/16' }",
                    false, "172.30.0.0/16"),
            new Bad("1b a subnet overlapping another network's", "network('x') { bridge 'nlbx'; bip '172.30.6.129/25' }",
                    false, "overlap"),
            new Bad("1b loopback as a network", "network('x') { bridge 'nlbx'; bip '127.0.0.1/8' }", false, "127.0.0.0/8"),
            new Bad("1b 0.0.0.0/8 as a network", "network('x') { bridge 'nlbx'; bip '0.0.0.1/8' }", false, "0.0.0.0/8"),
            new Bad("1b link-local as a network", "network('x') { bridge 'nlbx'; bip '169.254.0.1/16' }", false, "169.254"),
            new Bad("1b multicast as a network", "network('x') { bridge 'nlbx'; bip '224.0.0.1/4' }", false, "224.0.0.0/4"),
            new Bad("1b IPv6 link-local prefix", "network('x') { bridge 'nlbx'; bip '172.30.60.1/24'; fixedCidrV6 'fe80::/64' }",
                    false, "fe80::/64"),
            new Bad("1b IPv6 multicast prefix", "network('x') { bridge 'nlbx'; bip '172.30.60.1/24'; fixedCidrV6 'ff00::/8' }",
                    false, "ff00::/8"),
            new Bad("1b IPv4 given as IPv6", "network('x') { bridge 'nlbx'; bip '172.30.60.1/24'; fixedCidrV6 '10.0.0.0/24' }",
                    false, "10.0.0.0/24"),
            new Bad("1b leading zeros", "network('x') { bridge 'nlbx'; bip '010.0.0.1/24' }", false, "010.0.0.1"),
            new Bad("1b a two-part literal", "network('x') { bridge 'nlbx'; bip '10.1/16' }", false, "10.1"),
            new Bad("1b a hostname for an IP", "container('x') { netns 'NS'; network 'bridge'; ip 'example.com' }", false,
                    "example.com"),
            new Bad("1b an IPv6 zone", "container('x') { netns 'NS'; network 'bridge'; ip6 'fe80::1%eth0' }", false,
                    "fe80::1%eth0"),
            new Bad("1c mtu 0", "network('x') { bridge 'nlbx'; bip '172.30.60.1/24'; mtu 0 }", false, "mtu"),
            new Bad("1c mtu below 68", "network('x') { bridge 'nlbx'; bip '172.30.60.1/24'; mtu 67 }", false, "67"),
            new Bad("1c mtu over 65535", "network('x') { bridge 'nlbx'; bip '172.30.60.1/24'; mtu 70000 }", false, "70000"),
            new Bad("1c mtu below 1280 with IPv6",
                    "network('x') { bridge 'nlbx'; bip '172.30.60.1/24'; fixedCidrV6 'fd00:60::/64'; mtu 1200 }", false, "1200"),
            new Bad("1d a nameserver that is not an IP", "container('x') { netns 'NS'; network 'bridge'; dns { nameserver 'dns.example' } }",
                    false, "dns.example"),
            new Bad("1d a search domain that is not a domain",
                    "container('x') { netns 'NS'; network 'bridge'; dns { search 'not a domain' } }", false, "not a domain"),
            new Bad("1d hostname over 64 bytes", "container('x') { netns 'NS'; network 'bridge'; hostname '" + "h".repeat(65) + "' }",
                    false, "h".repeat(65)),
            new Bad("1d newline in a hostname", "container('x') { netns 'NS'; network 'bridge'; hostname 'a\\nb' }", false,
                    "hostname"),
            new Bad("1d # in a search domain", "container('x') { netns 'NS'; network 'bridge'; dns { search 'a#b.example' } }",
                    false, "a#b.example"),
            new Bad("1e a non-boolean switch", "network('x') { bridge 'nlbx'; bip '172.30.60.1/24'; icc 'yes' }", false, "icc"),
            new Bad("1e an unknown key", "network('x') { bridge 'nlbx'; bip '172.30.60.1/24'; vlan 5 }", false, "vlan"),
            new Bad("1f a misspelled key", "network('x') { bridge 'nlbx'; bip '172.30.60.1/24'; mtuu 1500 }", false, "mtuu"),
            new Bad("1f two networks of one name", "network('bridge') { bridge 'nlbx'; bip '172.30.60.1/24' }", false, "bridge"),
            new Bad("1f a wrong value type", "network('x') { bridge 'nlbx'; bip '172.30.60.1/24'; mtu 'abc' }", false, "mtu"));

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
        for (Bad b : CATALOGUE) {
            String file = script(web, b.lines().replace("'NS'", "'" + ns + "'"));
            for (String command : b.engineOnly() ? List.of("plan", "apply") : List.of("check", "plan", "apply")) {
                RealCli.Result r = cli.run(command, file);
                String where = b.engineOnly() ? "invalid network x: " : file + ":" + BAD_LINE;
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
        assertEquals(List.of(), problems, problems.size() + " of " + CATALOGUE.size() + " inputs");
    }

    /** The applied script (two networks, a published container), plus {@code bad} on line {@value #BAD_LINE}. */
    private String script(String web, String bad) {
        String s = """
                network('bridge') { bridge 'nlb6'; bip '172.30.6.1/24' }
                network('inner') { bridge 'nlb6i'; bip '172.30.7.1/24'; internal true }
                container('web') {
                    netns '%s'; publish '8080:80'
                }
                """.formatted(web) + (bad == null ? "" : bad + "\n");
        return RealCli.script(tmp, bad == null ? "good.groovy" : "bad.groovy", s).toString();
    }
}
