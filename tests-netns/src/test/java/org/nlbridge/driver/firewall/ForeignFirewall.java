package org.nlbridge.driver.firewall;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.nlbridge.testing.Cmd;

/**
 * Other firewalls of the host, made by the real {@code iptables-nft} binary (so the nf_tables objects are exactly
 * what iptables-nft writes): a host firewall whose FORWARD policy is DROP, the situation in which nlbridge's networks
 * lose both directions without the accept rules of {@code HostFirewall}.
 *
 * <p>{@link #DOCKER_20_10} is the shape the real dockerd 20.10 makes (docs/dockerd-20.10-firewall.md, measured with
 * the client sandbox), so the packet tests run in seconds on any machine with iptables-nft; {@link
 * HostFirewallDockerdTest} runs the real dockerd itself beside nlbridge.
 */
enum ForeignFirewall {
    /**
     * dockerd 20.10's ruleset (moby v20.10 {@code setupIPChains}, {@code setINC}, {@code ProgramChain}; the pre-28
     * shapes of shared/reference/docker-behaviour.md 2.8) with docker0 172.17.0.0/16 and a container 172.17.0.2
     * publishing {@code -p 8080:80}, and br_netfilter on as dockerd sets it.
     */
    DOCKER_20_10("""
            *nat
            :PREROUTING ACCEPT [0:0]
            :INPUT ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            :DOCKER - [0:0]
            -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
            -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
            -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
            -A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE
            -A DOCKER -i docker0 -j RETURN
            -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
            COMMIT
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD DROP [0:0]
            :OUTPUT ACCEPT [0:0]
            :DOCKER - [0:0]
            :DOCKER-ISOLATION-STAGE-1 - [0:0]
            :DOCKER-ISOLATION-STAGE-2 - [0:0]
            :DOCKER-USER - [0:0]
            -A FORWARD -j DOCKER-USER
            -A FORWARD -j DOCKER-ISOLATION-STAGE-1
            -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            -A FORWARD -o docker0 -j DOCKER
            -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
            -A FORWARD -i docker0 -o docker0 -j ACCEPT
            -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
            -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
            -A DOCKER-ISOLATION-STAGE-1 -j RETURN
            -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
            -A DOCKER-ISOLATION-STAGE-2 -j RETURN
            -A DOCKER-USER -j RETURN
            COMMIT
            """, "DOCKER-USER"),
    /**
     * UFW's shape with {@code DEFAULT_FORWARD_POLICY="DROP"} (no DOCKER-USER): FORWARD policy drop, its chains, and
     * one route rule of the administrator ({@code ufw route deny in on eatk out on nlb0}), which must keep winning.
     */
    UFW("""
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD DROP [0:0]
            :OUTPUT ACCEPT [0:0]
            :ufw-before-forward - [0:0]
            :ufw-user-forward - [0:0]
            :ufw-after-forward - [0:0]
            -A FORWARD -j ufw-before-forward
            -A FORWARD -j ufw-after-forward
            -A ufw-before-forward -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            -A ufw-before-forward -p icmp -m icmp --icmp-type 8 -j ACCEPT
            -A ufw-before-forward -j ufw-user-forward
            -A ufw-user-forward -i eatk -o nlb0 -j DROP
            COMMIT
            """, "FORWARD");

    final String rules;
    /** The chain nlbridge's accept rules go to. */
    final String chain;

    ForeignFirewall(String rules, String chain) {
        this.rules = rules;
        this.chain = chain;
    }

    /** Makes this firewall in the host namespace {@code ns} with the real iptables-nft. */
    void install(String ns) {
        Cmd.run(rules, "ip", "netns", "exec", ns, "iptables-nft-restore");
    }

    /** {@code iptables-nft -S} in {@code ns}: what it prints on stdout; fails on a non-zero exit or anything on stderr. */
    static String rules(String ns, String family) {
        Cmd.Result r = Cmd.exec(null, "ip", "netns", "exec", ns, family.equals("ip6") ? "ip6tables-nft" : "iptables-nft", "-S");
        if (r.exit() != 0 || !r.err().isBlank()) {
            throw new AssertionError("iptables-nft -S exited " + r.exit() + ", said: " + r.err() + r.out());
        }
        return r.out();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * {@code nft -j list table FAMILY filter}, without counter values and without the rules whose comment starts with
     * {@code nlbridge: }: what must be byte-identical before and after nlbridge, handles included.
     */
    static String othersRules(String ns, String family) {
        String out = Cmd.run(null, "ip", "netns", "exec", ns, "nft", "-j", "list", "table", family, "filter");
        try {
            ArrayNode items = (ArrayNode) JSON.readTree(out).path("nftables");
            List<JsonNode> kept = new ArrayList<>();
            for (JsonNode item : items) {
                JsonNode rule = item.get("rule");
                if (rule != null && rule.path("comment").asText("").startsWith("nlbridge: ")) continue;
                kept.add(item);
                if (rule != null) zeroCounters(rule);
            }
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(kept);
        } catch (java.io.IOException e) {
            throw new AssertionError("nft -j printed something that is not JSON: " + out, e);
        }
    }

    private static void zeroCounters(JsonNode node) {
        if (node instanceof ObjectNode o) {
            if (o.has("counter") && o.get("counter") instanceof ObjectNode c) {
                c.put("packets", 0);
                c.put("bytes", 0);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) zeroCounters(it.next().getValue());
        } else if (node instanceof ArrayNode a) {
            for (JsonNode n : a) zeroCounters(n);
        }
    }
}
