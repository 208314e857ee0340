package org.nlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * {@code addHost} and name resolution with the one-shot command line, no daemon: the container's /etc/hosts has the
 * {@code addHost} lines ({@code host-gateway} = the network's gateways, both families) and, Docker's legacy way, the
 * other containers of its user network with their aliases, rewritten in place when one goes (a running container
 * sees it); resolv.conf keeps the network's nameservers (nothing listens at 127.0.0.11). The oracle is glibc's
 * {@code getent hosts} run by {@code nlbridge run} with the container's files over /etc.
 */
@ExtendWith(SandboxExtension.class)
class HostsWithoutDaemonTest {

    @TempDir
    Path tmp;

    private World world;

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    @Test
    void addHostAndNeighboursInTheHostsFile(Sandbox sb) throws Exception {
        Assumptions.assumeTrue(Host.has("getent"), "needs getent as the resolver oracle");
        world = new World(sb, tmp.resolve("state"));
        String web = world.ctr("web");
        String db = world.ctr("db");
        String script = """
                network('front') {
                    bridge 'nlbh1'
                    bip '10.129.0.1/16'
                    fixedCidrV6 'fd00:129::/64'
                    dns { nameserver '10.99.0.2' }
                }
                container('web') {
                    netns '%s'
                    network 'front'
                    ip '10.129.0.10'
                    ip6 'fd00:129::10'
                    alias 'site'
                    addHost 'db.local:10.1.2.3', 'gw:host-gateway'
                    addHost 'v6.local:[2001:db8::5]'
                }
                """.formatted(web);
        String withDb = script + """
                container('db') {
                    netns '%s'
                    network 'front'
                    ip '10.129.0.20'
                    ip6 'fd00:129::20'
                    alias 'database', 'pg'
                }
                """.formatted(db);
        RealCli cli = new RealCli(world);
        String file = RealCli.script(tmp, "app.groovy", withDb).toString();
        RealCli.Result apply = cli.run("apply", file);
        assertEquals(0, apply.code(), apply.toString());

        Path hosts = world.state.resolve("containers/web/hosts");
        assertEquals("""
                127.0.0.1\tlocalhost
                ::1\tlocalhost ip6-localhost ip6-loopback
                fe00::\tip6-localnet
                ff00::\tip6-mcastprefix
                ff02::1\tip6-allnodes
                ff02::2\tip6-allrouters
                10.1.2.3\tdb.local
                10.129.0.1\tgw
                fd00:129::1\tgw
                2001:db8::5\tv6.local
                10.129.0.10\tweb
                fd00:129::10\tweb
                # Containers of the same networks (no name server runs; nlbridge keeps the lines below current)
                10.129.0.20\tdb db.front database pg
                fd00:129::20\tdb db.front database pg
                """, Files.readString(hosts));
        String resolv = Files.readString(world.state.resolve("containers/web/resolv.conf"));
        assertTrue(resolv.startsWith("nameserver 10.99.0.2\n") && !resolv.contains("127.0.0.11"), resolv);

        assertEquals("10.1.2.3        db.local\n", getent(cli, "web", "db.local"));
        // getent hosts asks for IPv6 first where a name has both
        assertEquals("fd00:129::1     gw\n", getent(cli, "web", "gw"));
        String v4 = cli.inContainer("web", "getent", "ahostsv4", "gw").out();
        assertTrue(v4.startsWith("10.129.0.1 "), "the IPv4 gateway:\n" + v4);
        assertEquals("fd00:129::20    db db.front database pg\n", getent(cli, "web", "pg"), "an alias of the other container");
        assertEquals("fd00:129::10    web web.front site\n", getent(cli, "db", "site"), "and the other way");
        v4 = cli.inContainer("web", "getent", "ahostsv4", "database").out();
        assertTrue(v4.startsWith("10.129.0.20 "), "db's IPv4 address:\n" + v4);

        Object inode = Files.getAttribute(hosts, "unix:ino");
        RealCli.Result removed = cli.run("apply", RealCli.script(tmp, "app.groovy", script).toString());
        assertEquals(0, removed.code(), removed.toString()); // db is no longer in the script: it goes
        String after = Files.readString(hosts);
        assertFalse(after.contains("db database"), "db is gone from web's hosts:\n" + after);
        assertEquals(inode, Files.getAttribute(hosts, "unix:ino"), "rewritten in place, as a running container sees it");
        assertEquals(2, cli.inContainer("web", "getent", "hosts", "pg").code(), "pg no longer resolves");
        assertEquals("10.1.2.3        db.local\n", getent(cli, "web", "db.local"));

        assertEquals(0, cli.run("destroy", file).code());
    }

    /** {@code host-gateway} on a network whose bridge has no address is refused at plan time, before any change. */
    @Test
    void hostGatewayNeedsAGateway(Sandbox sb) {
        world = new World(sb, tmp.resolve("state"));
        String c = world.ctr("c");
        RealCli cli = new RealCli(world);
        String file = RealCli.script(tmp, "iso.groovy", """
                network('iso') {
                    bridge 'nlbh2'
                    bip '10.130.0.1/16'
                    internal true
                    gatewayMode 'isolated'
                }
                container('c') {
                    netns '%s'
                    network 'iso'
                    addHost 'host.docker.internal:host-gateway'
                }
                """.formatted(c)).toString();
        RealCli.Result plan = cli.run("plan", file);
        assertEquals(1, plan.code(), plan.toString());
        assertEquals("nlbridge: " + file + ":7: invalid container c: addHost \"host.docker.internal:host-gateway\": network iso has no"
                + " gateway address (gatewayMode isolated); expected an IP address, or a network whose bridge has an"
                + " address\n", plan.err());
        assertEquals(1, cli.run("apply", file).code());
        assertFalse(Files.exists(Path.of("/run/netns", c)), "nothing was made");
    }

    private static String getent(RealCli cli, String container, String name) {
        RealCli.Result r = cli.inContainer(container, "getent", "hosts", name);
        assertEquals(0, r.code(), "getent hosts " + name + " in " + container + ": " + r);
        return r.out();
    }
}
