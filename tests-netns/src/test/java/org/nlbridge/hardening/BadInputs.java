package org.nlbridge.hardening;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.daemon.DaemonProcess;

/**
 * The bad inputs of {@code shared/reference/bad-inputs-faults-security.md} section 1 (names, CIDRs, MTU, DNS and
 * hostnames, switches, DSL-level mistakes), each once as lines a script adds and once as the object a request to the
 * daemon's API adds ({@code POST /v1/apply}): the same catalogue for the CLI ({@link BadInputCatalogueTest}) and the
 * API ({@link BadInputApiTest}). Both are added to the same applied state: networks {@code bridge} (bridge
 * {@code nlb6}, 172.30.6.0/24) and {@code inner}, and a container {@code web} that publishes 8080; a container's
 * namespace is written {@code NS}.
 */
final class BadInputs {
    private BadInputs() {}

    /**
     * A bad input: the section of the catalogue, the lines added to the script, the object added to the API's
     * desired state ({@code network {...}} or {@code container {...}}, JSON with ' for "), whether only the engine can
     * refuse it (it needs the kernel, which {@code check} does not read), and words the error must contain.
     */
    record Bad(String section, String lines, String json, boolean engineOnly, String... says) {

        /** {@code "network"} or {@code "container"}: where the API's object goes, and what the error names. */
        String kind() {
            return json.substring(0, json.indexOf(' '));
        }

        /** The object for the API, its {@code NS} replaced by {@code netns}. */
        ObjectNode object(String netns) {
            String text = json.substring(json.indexOf(' ') + 1).replace('\'', '"').replace("NS", netns);
            try {
                return (ObjectNode) DaemonProcess.JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(section + ": " + text, e);
            }
        }
    }

    /** The state both tests apply first, with the namespace of {@code web} to fill in. */
    static final String APPLIED = """
            network('bridge') { bridge 'nlb6'; bip '172.30.6.1/24' }
            network('inner') { bridge 'nlb6i'; bip '172.30.7.1/24'; internal true }
            container('web') {
                netns '%s'; publish '8080:80'
            }
            """;

    private static Bad net(String section, String groovyKeys, String jsonKeys, String... says) {
        return new Bad(section, "network('x') { " + groovyKeys + " }", "network {'name':'x'," + jsonKeys + "}", false, says);
    }

    private static Bad ctr(String section, String groovyKeys, String jsonKeys, String... says) {
        return new Bad(section, "container('x') { netns 'NS'; network 'bridge'; " + groovyKeys + " }",
                "container {'name':'x','netns':'NS','network':'bridge'," + jsonKeys + "}", false, says);
    }

    private static final String BIP = "bip '172.30.60.1/24'";
    private static final String J_BIP = "'bip':'172.30.60.1/24'";

    private static Bad name(String section, String name) {
        return net(section, "bridge '" + name + "'; " + BIP, "'bridge':'" + name + "'," + J_BIP, name);
    }

    private static Bad bip(String section, String bip, String says) {
        return net(section, "bridge 'nlbx'; bip '" + bip + "'", "'bridge':'nlbx','bip':'" + bip + "'", says);
    }

    private static Bad extra(String section, String groovy, String json, String says) {
        return net(section, "bridge 'nlbx'; " + BIP + "; " + groovy, "'bridge':'nlbx'," + J_BIP + "," + json, says);
    }

    static final List<Bad> CATALOGUE = List.of(
            net("1a empty bridge name", "bridge ''; " + BIP, "'bridge':''," + J_BIP, "bridge"),
            name("1a name of 16 bytes", "abcdefghijklmnop"),
            name("1a slash in a name", "br/0"),
            name("1a colon in a name", "br:0"),
            name("1a whitespace in a name", "br 0"),
            name("1a all", "all"),
            name("1a default", "default"),
            name("1a lo", "lo"),
            name("1a dot-dot", ".."),
            name("1a non-ASCII", "brü0"),
            new Bad("1a the name of an existing non-bridge link", "network('x') { bridge 'eup'; " + BIP + " }",
                    "network {'name':'x','bridge':'eup'," + J_BIP + "}", true, "eup"),
            name("1a a bridge name another network uses", "nlb6"),
            bip("1b no prefix", "172.30.60.1", "172.30.60.1"),
            bip("1b prefix over 32", "172.30.60.1/33", "/33"),
            bip("1b /31", "172.30.60.1/31", "/31"),
            bip("1b /32", "172.30.60.1/32", "/32"),
            bip("1b gateway = network address", "172.30.60.0/24", "172.30.60.0"),
            bip("1b gateway = broadcast", "172.30.60.255/24", "172.30.60.255"),
            extra("1b fixedCidr outside bip", "fixedCidr '10.0.0.0/24'", "'fixedCidr':'10.0.0.0/24'", "10.0.0.0/24"),
            extra("1b fixedCidr larger than bip", "fixedCidr '172.30.0.0/16'", "'fixedCidr':'172.30.0.0/16'", "172.30.0.0/16"),
            bip("1b a subnet overlapping another network's", "172.30.6.129/25", "overlap"),
            bip("1b loopback as a network", "127.0.0.1/8", "127.0.0.0/8"),
            bip("1b 0.0.0.0/8 as a network", "0.0.0.1/8", "0.0.0.0/8"),
            bip("1b link-local as a network", "169.254.0.1/16", "169.254"),
            bip("1b multicast as a network", "224.0.0.1/4", "224.0.0.0/4"),
            extra("1b IPv6 link-local prefix", "fixedCidrV6 'fe80::/64'", "'fixedCidrV6':'fe80::/64'", "fe80::/64"),
            extra("1b IPv6 multicast prefix", "fixedCidrV6 'ff00::/8'", "'fixedCidrV6':'ff00::/8'", "ff00::/8"),
            extra("1b IPv4 given as IPv6", "fixedCidrV6 '10.0.0.0/24'", "'fixedCidrV6':'10.0.0.0/24'", "10.0.0.0/24"),
            bip("1b leading zeros", "010.0.0.1/24", "010.0.0.1"),
            bip("1b a two-part literal", "10.1/16", "10.1"),
            ctr("1b a hostname for an IP", "ip 'example.com'", "'ip':'example.com'", "example.com"),
            ctr("1b an IPv6 zone", "ip6 'fe80::1%eth0'", "'ip6':'fe80::1%eth0'", "fe80::1%eth0"),
            extra("1c mtu 0", "mtu 0", "'mtu':0", "mtu"),
            extra("1c mtu below 68", "mtu 67", "'mtu':67", "67"),
            extra("1c mtu over 65535", "mtu 70000", "'mtu':70000", "70000"),
            extra("1c mtu below 1280 with IPv6", "fixedCidrV6 'fd00:60::/64'; mtu 1200",
                    "'fixedCidrV6':'fd00:60::/64','mtu':1200", "1200"),
            ctr("1d a nameserver that is not an IP", "dns { nameserver 'dns.example' }",
                    "'dns':{'nameservers':['dns.example']}", "dns.example"),
            ctr("1d a search domain that is not a domain", "dns { search 'not a domain' }",
                    "'dns':{'search':['not a domain']}", "not a domain"),
            ctr("1d hostname over 64 bytes", "hostname '" + "h".repeat(65) + "'", "'hostname':'" + "h".repeat(65) + "'",
                    "h".repeat(65)),
            ctr("1d newline in a hostname", "hostname 'a\\nb'", "'hostname':'a\\nb'", "hostname"),
            ctr("1d # in a search domain", "dns { search 'a#b.example' }", "'dns':{'search':['a#b.example']}", "a#b.example"),
            extra("1e a non-boolean switch", "icc 'yes'", "'icc':'yes'", "icc"),
            extra("1e an unknown key", "vlan 5", "'vlan':5", "vlan"),
            extra("1f a misspelled key", "mtuu 1500", "'mtuu':1500", "mtuu"),
            new Bad("1f two networks of one name", "network('bridge') { bridge 'nlbx'; " + BIP + " }",
                    "network {'name':'bridge','bridge':'nlbx'," + J_BIP + "}", false, "bridge"),
            extra("1f a wrong value type", "mtu 'abc'", "'mtu':'abc'", "mtu"));
}
