package org.nlbridge.driver.firewall.nftables;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A set (no data types), a map ({@code key : data}) or a verdict map ({@code key : verdict}), hashed (no interval
 * flag), optionally with a counter on every element.
 */
public record NftSet(String name, List<NftType> key, List<NftType> data, boolean counter) {

    public NftSet {
        NftNames.check(name);
        key = List.copyOf(key);
        data = List.copyOf(data);
        if (key.isEmpty() || key.contains(NftType.VERDICT)) throw new IllegalArgumentException("key " + key);
        if (data.contains(NftType.VERDICT) && data.size() != 1) throw new IllegalArgumentException("data " + data);
    }

    public static NftSet set(String name, NftType... key) {
        return new NftSet(name, List.of(key), List.of(), false);
    }

    public boolean isMap() {
        return !data.isEmpty();
    }

    public boolean isVerdictMap() {
        return data.equals(List.of(NftType.VERDICT));
    }

    /** {@code type inet_proto . ipv4_addr . inet_service : ipv4_addr . inet_service}. */
    public String typeText() {
        String k = key.stream().map(NftType::toString).collect(Collectors.joining(" . "));
        return isMap() ? k + " : " + data.stream().map(NftType::toString).collect(Collectors.joining(" . ")) : k;
    }
}
