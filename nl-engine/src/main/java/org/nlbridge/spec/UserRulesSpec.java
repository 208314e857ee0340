package org.nlbridge.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;

/**
 * Rules for the user hook (Docker's {@code DOCKER-USER} idea): evaluated before the engine's own forwarding rules
 * for traffic to containers. The engine creates the hook once and never flushes it; these rules are what a script
 * asks to be in it. Today one rule shape: "accept only traffic from these sources on this interface", the seed's
 * {@code iptables -I DOCKER-USER -i ext_if ! -s 8.8.8.8 -j DROP}, with one source or several.
 */
public record UserRulesSpec(List<AllowOnlyFrom> rules) {

    public static final UserRulesSpec NONE = new UserRulesSpec(List.of());

    public UserRulesSpec {
        rules = List.copyOf(rules);
    }

    /** Traffic arriving on {@code on} is dropped unless its source is inside one of {@code sources}. */
    public record AllowOnlyFrom(List<Cidr> sources, IfName on) {
        public AllowOnlyFrom {
            sources = List.copyOf(sources);
            Objects.requireNonNull(on, "on");
            if (sources.isEmpty()) throw new IllegalArgumentException("no sources");
        }

        @Override
        public String toString() {
            return "allow only from " + sources.stream().map(Cidr::toString).reduce((a, b) -> a + ", " + b).orElseThrow()
                    + " on " + on;
        }
    }

    public static UserRulesSpec of(Consumer<Builder> configure) {
        Builder b = new Builder();
        configure.accept(b);
        return b.build();
    }

    public static final class Builder {
        private final List<AllowOnlyFrom> rules = new ArrayList<>();

        /**
         * Accept traffic arriving on interface {@code on} only from the given sources (addresses or subnets, which
         * must not overlap). Equivalent to Docker's {@code iptables -I DOCKER-USER -i ON ! -s SOURCE -j DROP} with
         * one source, and to an ipset of them with several; IPv4 and IPv6 sources each restrict their own family.
         */
        public Builder allowOnlyFrom(String on, String... sources) {
            IfName iface = IfName.parse("userRules.allowOnlyFrom.on", on);
            if (sources.length == 0) {
                throw new ValidationException("userRules.allowOnlyFrom", "", "no source given",
                        "one or more IP addresses or subnets, e.g. 8.8.8.8 or 10.0.0.0/8");
            }
            List<Cidr> cidrs = new ArrayList<>();
            for (String s : sources) {
                Cidr c = source(s);
                for (Cidr before : cidrs) {
                    // the firewall puts several sources of a family in one nft set, which holds each address once
                    if (before.family() == c.family() && before.overlaps(c)) {
                        String why = before.equals(c) ? "given twice" : "overlaps " + before + ", given before it";
                        throw new ValidationException("userRules.allowOnlyFrom", s, why,
                                "addresses or subnets that do not overlap, e.g. 8.8.8.8, 10.0.0.0/8");
                    }
                }
                cidrs.add(c);
            }
            rules.add(new AllowOnlyFrom(cidrs, iface));
            return this;
        }

        private static Cidr source(String text) {
            String field = "userRules.allowOnlyFrom";
            if (text != null && text.indexOf('/') >= 0) return Cidr.parseSubnet(field, text);
            IpAddress a = IpAddress.parse(field, text);
            return Cidr.of(a, a.bitLength());
        }

        public UserRulesSpec build() {
            return new UserRulesSpec(rules);
        }
    }
}
