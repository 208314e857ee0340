package org.nlbridge.driver.firewall.nftables;

import java.util.regex.Pattern;

/** Object names (tables, chains, sets) as nft's scanner takes them unquoted; ours never need quoting. */
final class NftNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,254}");

    private NftNames() {}

    static String check(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not an nft object name: " + name);
        }
        return name;
    }
}
