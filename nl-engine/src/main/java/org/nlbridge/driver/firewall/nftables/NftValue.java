package org.nlbridge.driver.firewall.nftables;

import java.util.Objects;

import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.IpProtocol;

/** One part of a set element's key or data; {@link #toString()} is how nft prints (and parses) it. */
public sealed interface NftValue {

    NftType type();

    record Proto(IpProtocol protocol) implements NftValue {
        public Proto {
            Objects.requireNonNull(protocol);
        }

        public NftType type() {
            return NftType.INET_PROTO;
        }

        @Override
        public String toString() {
            return protocol.toString();
        }
    }

    record Addr(IpAddress address) implements NftValue {
        public Addr {
            Objects.requireNonNull(address);
        }

        public NftType type() {
            return address.family() == IpAddress.AF_INET ? NftType.IPV4_ADDR : NftType.IPV6_ADDR;
        }

        @Override
        public String toString() {
            return address.toString();
        }
    }

    record Port(int port) implements NftValue {
        public Port {
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port);
        }

        public NftType type() {
            return NftType.INET_SERVICE;
        }

        @Override
        public String toString() {
            return Integer.toString(port);
        }
    }

    /** An interface name; {@link IfName}'s charset needs no escaping inside nft's quotes. */
    record Name(IfName name) implements NftValue {
        public Name {
            Objects.requireNonNull(name);
        }

        public NftType type() {
            return NftType.IFNAME;
        }

        @Override
        public String toString() {
            return "\"" + name + "\"";
        }
    }

    /** A verdict map's data: jump to a chain of the same table. */
    record Jump(String chain) implements NftValue {
        public Jump {
            NftNames.check(chain);
        }

        public NftType type() {
            return NftType.VERDICT;
        }

        @Override
        public String toString() {
            return "jump " + chain;
        }
    }
}
