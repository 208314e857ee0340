package org.nlbridge.spec;

import java.util.Objects;

/**
 * One kernel or state change a plan contains, e.g. {@code + link docker0 (bridge, mtu 1500)} or
 * {@code - nft element ip nlbridge ports4 (tcp . 5000 : 172.17.0.2 . 22)}. What {@code nlbridge plan} prints.
 *
 * @param kind   what sort of object: link, address, route, netns, sysctl, nft table/chain/rule/set/element, file,
 *               allocation
 * @param object its identity, e.g. {@code docker0}, {@code web:eth0 172.17.0.2/16}
 * @param detail what about it changes (may be empty)
 */
public record Change(Action action, String kind, String object, String detail) {

    public enum Action {
        CREATE("+"), UPDATE("~"), DELETE("-");

        private final String sign;

        Action(String sign) {
            this.sign = sign;
        }

        public String sign() {
            return sign;
        }
    }

    public Change {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(object, "object");
        detail = detail == null ? "" : detail;
    }

    @Override
    public String toString() {
        return action.sign() + " " + kind + " " + object + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
