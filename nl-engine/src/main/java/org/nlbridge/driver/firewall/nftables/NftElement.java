package org.nlbridge.driver.firewall.nftables;

import java.util.List;
import java.util.stream.Collectors;

/** A set element ({@code data} empty) or map element; {@link #toString()} is the nft text. */
public record NftElement(List<NftValue> key, List<NftValue> data) {

    public NftElement {
        key = List.copyOf(key);
        data = List.copyOf(data);
        if (key.isEmpty()) throw new IllegalArgumentException("empty key");
    }

    public static NftElement of(NftValue... key) {
        return new NftElement(List.of(key), List.of());
    }

    public static NftElement mapping(List<NftValue> key, NftValue... data) {
        return new NftElement(key, List.of(data));
    }

    /** {@code tcp . 5000} */
    public String keyText() {
        return key.stream().map(NftValue::toString).collect(Collectors.joining(" . "));
    }

    /** {@code 172.18.0.2 . 22}, {@code jump fwd-to__nlb0}, or "" for a set element. */
    public String dataText() {
        return data.stream().map(NftValue::toString).collect(Collectors.joining(" . "));
    }

    @Override
    public String toString() {
        return data.isEmpty() ? keyText() : keyText() + " : " + dataText();
    }
}
