package org.nlbridge.nft;

import java.util.List;

/**
 * A set or map element as listed: the key fields ({@link org.nlbridge.net.Ipv4Address}, Integer ports,
 * {@link org.nlbridge.net.IpProtocol}, String interface names, ...), for an interval set one value, a
 * {@link org.nlbridge.net.Cidr} or a {@link Range}; the map value fields or verdict; the comment; and in a set with
 * a counter ({@link NamedSet#counter()}) the element's packets and bytes as the kernel last reported them, else
 * {@code counter} is null.
 */
public record Element(KeyType keyType, List<Object> key, KeyType valueType, List<Object> value, Verdict verdict,
        String comment, Expr.Counter counter) {
    public Element {
        key = List.copyOf(key);
        value = value == null ? List.of() : List.copyOf(value);
    }

    /** An element without a counter. */
    public Element(KeyType keyType, List<Object> key, KeyType valueType, List<Object> value, Verdict verdict,
            String comment) {
        this(keyType, key, valueType, value, verdict, comment, null);
    }

    /**
     * This element without what the kernel keeps for it (its counter), so a listed element equals the element that
     * was added.
     */
    public Element withoutState() {
        return counter == null ? this : new Element(keyType, key, valueType, value, verdict, comment, null);
    }

    /**
     * As nft prints it inside {@code elements = { ... }}:
     * {@code tcp . 10.0.0.1 . 8080 counter packets 3 bytes 180 comment "web" : 172.17.0.2 . 80}.
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(Elements.format(keyType, key));
        if (counter != null) {
            b.append(" counter packets ").append(counter.packets()).append(" bytes ").append(counter.bytes());
        }
        if (comment != null) b.append(" comment \"").append(comment).append('"');
        if (verdict != null) b.append(" : ").append(verdict);
        else if (!value.isEmpty()) b.append(" : ").append(Elements.format(valueType, value));
        return b.toString();
    }
}
