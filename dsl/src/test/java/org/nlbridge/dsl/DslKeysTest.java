package org.nlbridge.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.spec.UserRulesSpec;

/** Every key of every block lands on the Java builder's setter of the same meaning. */
class DslKeysTest {

    @Test
    void everyNetworkKey() {
        DesiredState s = Scripts.eval("""
                network('lan') {
                    driver 'bridge'
                    bridge 'br-lan'
                    bip '10.10.0.1/16'
                    fixedCidr '10.10.8.0/24'
                    fixedCidrV6 'fd00:10::/64'
                    mtu 1400
                    icc false
                    ipMasq false
                    ipForward false
                    internal true
                    firewall 'none'
                    macFromIp true
                    hostBindingIp '127.0.0.1'
                    dns { nameserver '9.9.9.9', '1.1.1.1'; search 'example.com'; option 'ndots:2'; option 'rotate' }
                }
                network('old') {
                    useBridge 'bridge0'
                }
                network('over') { driver 'overlay' }
                """);
        NetworkSpec lan = NetworkSpec.of("lan", b -> b.driver("bridge").bridge("br-lan").bip("10.10.0.1/16").fixedCidr("10.10.8.0/24")
                .fixedCidrV6("fd00:10::/64").mtu(1400).icc(false).ipMasq(false).ipForward(false).internal(true)
                .firewall("none").macFromIp(true).hostBindingIp("127.0.0.1")
                .dns(d -> d.nameserver("9.9.9.9").nameserver("1.1.1.1").search("example.com").option("ndots:2")
                        .option("rotate")));
        NetworkSpec old = NetworkSpec.of("old", b -> b.useBridge("bridge0"));
        NetworkSpec over = NetworkSpec.of("over", b -> b.driver("overlay"));
        assertEquals(List.of(lan, old, over), s.networks());
        assertEquals("overlay", over.driver(), "the script records any driver name; the engine refuses unknown ones");
        assertEquals(true, s.networks().get(1).existing());
    }

    @Test
    void everyContainerKey() {
        DesiredState s = Scripts.eval("""
                network('bridge') { fixedCidrV6 'fd00:17::/64' }
                container('web') {
                    netns 'web-ns'
                    network 'bridge'
                    hostname 'web1'
                    mac '02:42:ac:11:00:99'
                    ip '172.17.0.10'
                    ip6 'fd00:17::10'
                    ifname 'eth1'
                    publish '5000:22'
                    publish '127.0.0.1:8080:80/tcp', '53:53/udp'
                    spoofCheck false
                    dns { nameserver '8.8.8.8'; search 'corp.example' }
                }
                container('side') { network 'container:web' }
                container('solo') { network 'none' }
                container('hosted') { network 'host' }
                """);
        ContainerSpec web = ContainerSpec.of("web", b -> b.netns("web-ns").network("bridge").hostname("web1")
                .mac("02:42:ac:11:00:99").ip("172.17.0.10").ip6("fd00:17::10").ifname("eth1").publish("5000:22")
                .publish("127.0.0.1:8080:80/tcp").publish("53:53/udp").spoofCheck(false)
                .dns(d -> d.nameserver("8.8.8.8").search("corp.example")));
        assertEquals(List.of(web,
                ContainerSpec.of("side", b -> b.network("container:web")),
                ContainerSpec.of("solo", b -> b.network("none")),
                ContainerSpec.of("hosted", b -> b.network("host"))), s.containers());
    }

    @Test
    void connectGivesAContainerMoreNetworks() {
        DesiredState s = Scripts.eval("""
                network('front') { bridge 'front0'; bip '10.1.0.1/24' }
                network('back') { bridge 'back0'; bip '10.2.0.1/24'; fixedCidrV6 'fd00:2::/64' }
                network('mgmt') { bridge 'mgmt0'; bip '10.3.0.1/24' }
                container('web') {
                    network 'front'
                    connect 'back', ip: '10.2.0.10', ip6: 'fd00:2::10', alias: ['api', 'api-v2'], publish: '8081:81',
                            mac: '02:42:0a:02:00:0a'
                    connect 'mgmt'
                }
                container('db') {
                    network 'back'
                    defaultRoute false
                    connect 'mgmt', ifname: 'mgmt0', defaultRoute: true, alias: 'db-admin'
                }
                """);
        ContainerSpec web = ContainerSpec.of("web", b -> b.network("front")
                .connect("back", c -> c.ip("10.2.0.10").ip6("fd00:2::10").alias("api").alias("api-v2").publish("8081:81")
                        .mac("02:42:0a:02:00:0a"))
                .connect("mgmt"));
        assertEquals(web, s.containers().get(0));
        assertEquals(List.of("front eth0 route", "back eth1", "mgmt eth2"), s.containers().get(0).attachments().stream()
                .map(a -> a.network() + " " + a.ifname() + (a.defaultRoute() ? " route" : "")).toList());
        assertEquals(List.of("back eth0", "mgmt mgmt0 route"), s.containers().get(1).attachments().stream()
                .map(a -> a.network() + " " + a.ifname() + (a.defaultRoute() ? " route" : "")).toList());
        assertEquals("[db-admin]", s.containers().get(1).connects().getFirst().aliases().toString());
    }

    @Test
    void userRulesAddUpAcrossBlocks() {
        DesiredState s = Scripts.eval("""
                userRules {
                    allowOnlyFrom '8.8.8.8', on: 'uplink0'
                    allowOnlyFrom '10.0.0.0/8', '192.168.1.7', on: 'eth9'
                }
                userRules { allowOnlyFrom on: 'wan0', 'fd00::/8', '2001:db8::/32' }
                """);
        UserRulesSpec expected = UserRulesSpec.of(b -> b.allowOnlyFrom("uplink0", "8.8.8.8")
                .allowOnlyFrom("eth9", "10.0.0.0/8", "192.168.1.7").allowOnlyFrom("wan0", "fd00::/8", "2001:db8::/32"));
        assertEquals(expected, s.userRules());
    }

    @Test
    void defaultsAreTheBuildersDefaults() {
        DesiredState s = Scripts.eval("network 'bridge'\ncontainer 'web'\n");
        assertEquals(List.of(NetworkSpec.of("bridge", b -> { })), s.networks());
        assertEquals(List.of(ContainerSpec.of("web", b -> { })), s.containers());
        assertEquals(UserRulesSpec.NONE, s.userRules());
    }

    @Test
    void scriptsMayComputeValues() {
        DesiredState s = Scripts.eval("""
                def subnet = '10.20'
                network('bridge') { bip "${subnet}.0.1/16" }
                ['a', 'b', 'c'].eachWithIndex { String n, int i ->
                    container("web-$n") {
                        ip "${subnet}.1.${10 + i}"
                        (0..1).each { int p -> publish "${8000 + 10 * i + p}:${80 + p}" }
                    }
                }
                """);
        assertEquals(3, s.containers().size());
        assertEquals(ContainerSpec.of("web-c", b -> b.ip("10.20.1.12").publish("8020:80").publish("8021:81")),
                s.containers().get(2));
    }

    @Test
    void theIssueExampleParsesIntoTheExpectedSpecs() {
        DesiredState s = Scripts.eval("""
                network('bridge') {
                    bridge 'docker0'                 // bridge to create; or: useBridge 'bridge0'  (Docker -b: must exist, never deleted)
                    bip '172.17.42.1/16'
                    fixedCidr '172.17.42.0/24'
                    fixedCidrV6 'fd00:17::/64'
                    mtu 1400                         // omitted: the host's default-route interface MTU
                    icc false
                    ipMasq true
                    firewall 'nftables'              // 'iptables' | 'none'
                    macFromIp true                   // classic 02:42:<ipv4>
                    dns { nameserver '9.9.9.9'; search 'example.com'; option 'ndots:2' }
                }
                container('web') {
                    netns 'web'                      // /run/netns/<name>; created when missing
                    network 'bridge'                 // or 'host', 'none', 'container:db'
                    hostname 'web1'
                    mac '02:42:ac:11:00:99'
                    ip '172.17.42.10'
                    publish '5000:22'                // [hostIp:]hostPort[-end]:containerPort[-end][/tcp|udp]
                    dns { nameserver '8.8.8.8' }
                }
                userRules {                          // the DOCKER-USER hook
                    allowOnlyFrom '8.8.8.8', on: 'uplink0'
                }
                """);
        NetworkSpec bridge = NetworkSpec.of("bridge", b -> b.bridge("docker0").bip("172.17.42.1/16")
                .fixedCidr("172.17.42.0/24").fixedCidrV6("fd00:17::/64").mtu(1400).icc(false).ipMasq(true)
                .firewall("nftables").macFromIp(true)
                .dns(d -> d.nameserver("9.9.9.9").search("example.com").option("ndots:2")));
        ContainerSpec web = ContainerSpec.of("web", b -> b.netns("web").network("bridge").hostname("web1")
                .mac("02:42:ac:11:00:99").ip("172.17.42.10").publish("5000:22").dns(d -> d.nameserver("8.8.8.8")));
        assertEquals(new DesiredState(List.of(bridge), List.of(web),
                UserRulesSpec.of(b -> b.allowOnlyFrom("uplink0", "8.8.8.8"))), s);
    }
}
