package org.nlbridge.driver.firewall;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Sandbox;

/**
 * Hostile and plain packets for the firewall tests, written by python3 (scapy is not needed): UDP datagrams from any
 * source address (raw IPv4), raw Ethernet frames (a forged ARP reply or neighbour advertisement), an
 * IPv6 router advertisement and a DHCPv6 server reply; and a UDP listener that records who sent what.
 */
public final class Probes {
    private Probes() {}

    private static final String UDP_LISTEN = String.join("\n",
            "import socket,sys",
            "addr,port=sys.argv[1],int(sys.argv[2])",
            "fam=socket.AF_INET6 if ':' in addr else socket.AF_INET",
            "s=socket.socket(fam,socket.SOCK_DGRAM);s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)",
            "s.bind((addr,port));print('ready',flush=True)",
            "while True:",
            "  d,a=s.recvfrom(2048);print(a[0].split('%')[0],flush=True)");

    /** UDP over IPv4 from any source: a raw socket writes the IP header itself (the kernel fills in the checksum). */
    private static final String UDP_SEND = String.join("\n",
            "import socket,struct,sys",
            "src,dst,port,n=sys.argv[1],sys.argv[2],int(sys.argv[3]),int(sys.argv[4])",
            "s=socket.socket(socket.AF_INET,socket.SOCK_RAW,socket.IPPROTO_RAW)",
            "udp=struct.pack('!HHHH',40000,port,13,0)+b'probe'",
            "ip=struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(udp),0,0,64,17,0,socket.inet_aton(src),socket.inet_aton(dst))",
            "for i in range(n): s.sendto(ip+udp,(dst,0))");

    private static final String FRAME = String.join("\n",
            "import socket,sys,time",
            "s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW);s.bind((sys.argv[1],0))",
            "for i in range(int(sys.argv[3])): s.send(bytes.fromhex(sys.argv[2])); time.sleep(0.05)");

    /** A router advertisement (router lifetime 1800 s, a SLAAC prefix) from eth0's link-local address to all nodes. */
    private static final String RA = String.join("\n",
            "import socket,struct,sys,ipaddress",
            "ifname,prefix=sys.argv[1],ipaddress.IPv6Network(sys.argv[2])",
            "idx=socket.if_nametoindex(ifname)",
            "s=socket.socket(socket.AF_INET6,socket.SOCK_RAW,socket.IPPROTO_ICMPV6)",
            "s.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_MULTICAST_HOPS,255)",
            "s.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_MULTICAST_IF,idx)",
            "s.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_MULTICAST_LOOP,0)",
            "ra=struct.pack('!BBHBBHII',134,0,0,64,0,1800,0,0)",
            "pio=struct.pack('!BBBBIII',3,4,64,0xc0,86400,14400,0)+prefix.network_address.packed",
            "for i in range(3): s.sendto(ra+pio,('ff02::1',0,0,idx))");

    /** A DHCPv6 Reply (type 7) from server port 547 to the all-nodes group's client port 546. */
    private static final String DHCPV6 = String.join("\n",
            "import socket,sys",
            "idx=socket.if_nametoindex(sys.argv[1])",
            "s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM);s.bind(('::',547))",
            "s.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_MULTICAST_IF,idx)",
            "s.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_MULTICAST_LOOP,0)",
            "for i in range(3): s.sendto(bytes([7,1,2,3]),('ff02::1',546,0,idx))");

    /** Records the source address of every datagram a listener gets. */
    public static final class UdpLog {
        private final List<String> sources = Collections.synchronizedList(new ArrayList<>());

        public List<String> sources() {
            synchronized (sources) {
                return List.copyOf(sources);
            }
        }

        /** Waits up to a second for stragglers, then whether {@code source} sent anything. */
        public boolean heardFrom(String source) {
            for (int i = 0; i < 10 && !sources().contains(source); i++) sleep(100);
            return sources().contains(source);
        }
    }

    /** A UDP listener in sandbox namespace {@code ns} on {@code addr:port}, ready when this returns. */
    public static UdpLog listen(Sandbox sandbox, String ns, String addr, int port) {
        Process p = sandbox.spawn(ns, "python3", "-u", "-c", UDP_LISTEN, addr, Integer.toString(port));
        UdpLog log = new UdpLog();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        try {
            String first = out.readLine();
            if (!"ready".equals(first)) throw new AssertionError("udp listener on " + addr + ":" + port + ": " + first);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Thread.ofPlatform().daemon().start(() -> {
            try {
                for (String l; (l = out.readLine()) != null; ) log.sources.add(l.strip());
            } catch (IOException ended) {
                // the sandbox ended the listener
            }
        });
        return log;
    }

    /** {@code count} IPv4 UDP datagrams from {@code src} (any address) to {@code dst:port}, sent from {@code fullNs}. */
    public static void udp(String fullNs, String src, String dst, int port, int count) {
        python(fullNs, UDP_SEND, src, dst, Integer.toString(port), Integer.toString(count));
    }

    /** Sends a raw Ethernet frame out of {@code ifname}, {@code count} times. */
    static void frame(String fullNs, String ifname, byte[] frame, int count) {
        python(fullNs, FRAME, ifname, HexFormat.of().formatHex(frame), Integer.toString(count));
    }

    static void routerAdvertisement(String fullNs, String ifname, String prefix) {
        python(fullNs, RA, ifname, prefix);
    }

    static void dhcpv6Reply(String fullNs, String ifname) {
        python(fullNs, DHCPV6, ifname);
    }

    private static void python(String fullNs, String script, String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", fullNs, "python3", "-c", script));
        argv.addAll(List.of(args));
        Cmd.run(null, argv.toArray(String[]::new));
    }

    /**
     * A gratuitous ARP reply "{@code ip} is at {@code sha}" from Ethernet source {@code src}, to everyone: what an
     * attacker sends to take over a neighbour's address in every ARP cache.
     */
    static byte[] arpReply(byte[] src, byte[] sha, byte[] ip) {
        byte[] f = new byte[42];
        byte[] bcast = {-1, -1, -1, -1, -1, -1};
        System.arraycopy(bcast, 0, f, 0, 6);
        System.arraycopy(src, 0, f, 6, 6);
        f[12] = 0x08;
        f[13] = 0x06;
        byte[] hdr = {0, 1, 8, 0, 6, 4, 0, 2};
        System.arraycopy(hdr, 0, f, 14, 8);
        System.arraycopy(sha, 0, f, 22, 6);
        System.arraycopy(ip, 0, f, 28, 4);
        System.arraycopy(sha, 0, f, 32, 6); // a gratuitous reply: Linux then overrides an entry at once (no locktime)
        System.arraycopy(ip, 0, f, 38, 4);
        return f;
    }

    /**
     * An unsolicited neighbour advertisement (override flag) "{@code target} is at {@code tll}" from {@code srcMac},
     * IPv6 source {@code src}, to all nodes, with a correct checksum: the IPv6 form of the ARP attack.
     */
    static byte[] neighbourAdvertisement(byte[] srcMac, byte[] src, byte[] target, byte[] tll) {
        byte[] icmp = new byte[32];
        icmp[0] = (byte) 136;
        icmp[4] = 0x20; // override
        System.arraycopy(target, 0, icmp, 8, 16);
        icmp[24] = 2;
        icmp[25] = 1;
        System.arraycopy(tll, 0, icmp, 26, 6);
        byte[] dst = new byte[16];
        dst[0] = (byte) 0xff;
        dst[1] = 0x02;
        dst[15] = 1;
        int sum = 0;
        byte[] pseudo = new byte[40 + icmp.length];
        System.arraycopy(src, 0, pseudo, 0, 16);
        System.arraycopy(dst, 0, pseudo, 16, 16);
        pseudo[35] = (byte) icmp.length;
        pseudo[39] = 58;
        System.arraycopy(icmp, 0, pseudo, 40, icmp.length);
        for (int i = 0; i < pseudo.length; i += 2) sum += ((pseudo[i] & 0xff) << 8) | (pseudo[i + 1] & 0xff);
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        sum = ~sum & 0xffff;
        icmp[2] = (byte) (sum >>> 8);
        icmp[3] = (byte) sum;
        byte[] f = new byte[14 + 40 + icmp.length];
        byte[] mcast = {0x33, 0x33, 0, 0, 0, 1};
        System.arraycopy(mcast, 0, f, 0, 6);
        System.arraycopy(srcMac, 0, f, 6, 6);
        f[12] = (byte) 0x86;
        f[13] = (byte) 0xdd;
        f[14] = 0x60;
        f[19] = (byte) icmp.length;
        f[20] = 58;
        f[21] = (byte) 255;
        System.arraycopy(src, 0, f, 22, 16);
        System.arraycopy(dst, 0, f, 38, 16);
        System.arraycopy(icmp, 0, f, 54, icmp.length);
        return f;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
