package org.nlbridge.driver.firewall.nftables;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;

/**
 * The statements our rules are made of: a deliberately small vocabulary, each printed exactly as nft lists it
 * ({@link #toString()}), and each mapping to a short, fixed sequence of netlink expressions.
 */
public sealed interface NftExpr {

    /** {@code iifname "br0"}, {@code oifname != "br0"}. */
    record IfNameIs(NftField field, boolean negate, IfName name) implements NftExpr {
        public IfNameIs {
            if (field != NftField.IIFNAME && field != NftField.OIFNAME) throw new IllegalArgumentException(field.name());
            Objects.requireNonNull(name);
        }

        @Override
        public String toString() {
            return field + (negate ? " != " : " ") + "\"" + name + "\"";
        }
    }

    /** {@code ip daddr 127.0.0.0/8}, {@code ip6 daddr != ::1}: an address field against a prefix (a host for /32, /128). */
    record InPrefix(NftField field, boolean negate, Cidr prefix) implements NftExpr {
        public InPrefix {
            if (field.type() != NftType.IPV4_ADDR && field.type() != NftType.IPV6_ADDR) {
                throw new IllegalArgumentException(field.name());
            }
            if ((field.type() == NftType.IPV4_ADDR ? 2 : 10) != prefix.family() || prefix.hasHostBits()) {
                throw new IllegalArgumentException(field + " " + prefix);
            }
        }

        public boolean isHost() {
            return prefix.hostBits() == 0;
        }

        @Override
        public String toString() {
            return field + (negate ? " != " : " ") + (isHost() ? prefix.address().toString() : prefix.toString());
        }
    }

    /** {@code fib daddr type local}: the destination is an address of this host (NFT_FIB_RESULT_ADDRTYPE). */
    record FibDaddrLocal() implements NftExpr {
        @Override
        public String toString() {
            return "fib daddr type local";
        }
    }

    /** {@code ct state established,related}. */
    record CtEstablishedRelated() implements NftExpr {
        @Override
        public String toString() {
            return "ct state established,related";
        }
    }

    /** {@code ct status dnat}: the connection's destination was translated (IPS_DST_NAT). */
    record CtStatusDnat() implements NftExpr {
        @Override
        public String toString() {
            return "ct status dnat";
        }
    }

    /** {@code ip daddr . meta l4proto . th dport @published4}: the concatenated fields are in a set. */
    record InSet(List<NftField> key, String set) implements NftExpr {
        public InSet {
            key = List.copyOf(key);
            NftNames.check(set);
        }

        @Override
        public String toString() {
            return join(key) + " @" + set;
        }
    }

    /** {@code counter}: packets and bytes; nft lists it as {@code counter packets N bytes M}. */
    record Counter() implements NftExpr {
        @Override
        public String toString() {
            return "counter";
        }
    }

    /** {@code oifname vmap @fwd-to}: jump to the chain the field's value maps to; no element, no verdict. */
    record VerdictMap(NftField key, String map) implements NftExpr {
        public VerdictMap {
            Objects.requireNonNull(key);
            NftNames.check(map);
        }

        @Override
        public String toString() {
            return key + " vmap @" + map;
        }
    }

    /**
     * {@code dnat ip to meta l4proto . ip daddr . th dport map @ports4}: look the key up in a map whose data is
     * {@code address . port} and translate the destination to it; no element, no translation, next rule.
     */
    record DnatMap(NftFamily family, List<NftField> key, String map) implements NftExpr {
        public DnatMap {
            key = List.copyOf(key);
            NftNames.check(map);
            if (family == NftFamily.BRIDGE) throw new IllegalArgumentException("no NAT in the bridge family");
        }

        @Override
        public String toString() {
            return "dnat " + family + " to " + join(key) + " map @" + map;
        }
    }

    /** {@code masquerade}. */
    record Masquerade() implements NftExpr {
        @Override
        public String toString() {
            return "masquerade";
        }
    }

    /** {@code accept}: ends this base chain's evaluation only; other base chains on the hook still run. */
    record Accept() implements NftExpr {
        @Override
        public String toString() {
            return "accept";
        }
    }

    /** {@code drop}: final for the packet, whatever other base chains say. */
    record Drop() implements NftExpr {
        @Override
        public String toString() {
            return "drop";
        }
    }

    private static String join(List<NftField> fields) {
        return fields.stream().map(NftField::toString).collect(Collectors.joining(" . "));
    }
}
