package org.nlbridge.nft;

import java.util.List;

/**
 * A set or map element as listed: the key fields ({@link org.nlbridge.net.Ipv4Address}, Integer ports,
 * {@link org.nlbridge.net.IpProtocol}, String interface names, ...), for an interval set one value, a
 * {@link org.nlbridge.net.Cidr} or a {@link Range}; the map value fields or verdict; the comment.
 */
public record Element(KeyType keyType, List<Object> key, KeyType valueType, List<Object> value, Verdict verdict,
        String comment) {
    public Element {
        key = List.copyOf(key);
        value = value == null ? List.of() : List.copyOf(value);
    }

    /** As nft prints it inside {@code elements = { ... }}: {@code tcp . 10.0.0.1 . 8080 : 172.17.0.2 . 80}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(Elements.format(keyType, key));
        if (comment != null) b.append(" comment \"").append(comment).append('"');
        if (verdict != null) b.append(" : ").append(verdict);
        else if (!value.isEmpty()) b.append(" : ").append(Elements.format(valueType, value));
        return b.toString();
    }
}
