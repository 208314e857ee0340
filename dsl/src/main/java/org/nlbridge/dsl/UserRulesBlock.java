package org.nlbridge.dsl;

import java.util.Map;

import groovy.transform.NamedParam;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.UserRulesSpec;

/**
 * The body of {@code userRules { ... }}: rules for the user hook (Docker's {@code DOCKER-USER} chain), which the
 * engine evaluates before its own forwarding rules and never flushes.
 */
public final class UserRulesBlock {

    private final UserRulesSpec.Builder builder;

    UserRulesBlock(UserRulesSpec.Builder builder) {
        this.builder = builder;
    }

    /**
     * {@code allowOnlyFrom '8.8.8.8', on: 'uplink0'}: traffic arriving on interface {@code on} is dropped unless it
     * comes from one of the given addresses or subnets ({@code iptables -I DOCKER-USER -i uplink0 ! -s 8.8.8.8 -j DROP}).
     */
    public void allowOnlyFrom(@NamedParam(value = "on", type = String.class, required = true) Map<String, ?> options,
                              String source, String... more) {
        Object on = options.get("on");
        if (!(on instanceof CharSequence)) {
            throw new ValidationException("userRules.allowOnlyFrom.on", on == null ? null : on.toString(),
                    "not an interface name", "on: 'IFNAME', e.g. allowOnlyFrom '8.8.8.8', on: 'uplink0'");
        }
        String[] all = new String[more.length + 1];
        all[0] = source;
        System.arraycopy(more, 0, all, 1, more.length);
        builder.allowOnlyFrom(on.toString(), all);
    }
}
