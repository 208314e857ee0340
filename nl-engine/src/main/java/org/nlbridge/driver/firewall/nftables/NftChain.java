package org.nlbridge.driver.firewall.nftables;

/**
 * A chain: a base chain when {@code hook} is set (attached to a netfilter hook, policy accept), otherwise a
 * regular chain reached by {@code jump} from a verdict map.
 */
public record NftChain(String name, Hook hook) {

    public NftChain {
        NftNames.check(name);
    }

    public static NftChain regular(String name) {
        return new NftChain(name, null);
    }

    public static NftChain base(String name, String type, String hook, int priority) {
        return new NftChain(name, new Hook(type, hook, priority));
    }

    public boolean isBase() {
        return hook != null;
    }

    /**
     * Where a base chain attaches. Priorities are numbers (nft prints the standard ones by name: -300 raw,
     * -100 dstnat, 0 filter, 100 srcnat in ip/ip6; -200 filter in bridge).
     *
     * @param type     {@code filter} or {@code nat}
     * @param hook     {@code prerouting}, {@code forward}, {@code output}, {@code postrouting}
     */
    public record Hook(String type, String hook, int priority) {
        public Hook {
            if (!type.equals("filter") && !type.equals("nat")) throw new IllegalArgumentException(type);
            switch (hook) {
                case "prerouting", "input", "forward", "output", "postrouting" -> { }
                default -> throw new IllegalArgumentException(hook);
            }
        }

        /** {@code NF_INET_*} hook number. */
        public int hookNumber() {
            return switch (hook) {
                case "prerouting" -> 0;
                case "input" -> 1;
                case "forward" -> 2;
                case "output" -> 3;
                default -> 4;
            };
        }
    }
}
