package org.nlbridge.bench.peers;

import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.bindings.linux.ifaddrmsg;
import org.nlbridge.bindings.linux.ifinfomsg;
import org.nlbridge.bindings.linux.rtmsg;
import org.nlbridge.netlink.Batch;
import org.nlbridge.netlink.MsgWriter;

/**
 * The container side of an attach, encoded straight into a reusable {@link Batch}: what {@code RtnlBatch} queues for
 * {@code links().setUp}, {@code addresses().add} and {@code routes().add}, plus the one request it has no verb for
 * yet, per-interface {@code IFLA_AF_SPEC} settings (IPv4 {@code arp_notify}, IPv6 address generation off), so a
 * container costs one {@code sendmsg} and no buffers of its own.
 */
final class ContainerRequests {
    /** {@code IPV4_DEVCONF_ARP_NOTIFY} from {@code linux/ip.h} (an enum, so not among the generated constants). */
    static final int IPV4_DEVCONF_ARP_NOTIFY = 22;
    /** {@code IN6_ADDR_GEN_MODE_NONE} from {@code linux/if_link.h}: no link-local address, hence no DAD/MLD/RS. */
    static final int IN6_ADDR_GEN_MODE_NONE = 1;

    private static final int RTM_NEWLINK = Uapi.RTM_NEWLINK();
    private static final int RTM_NEWADDR = Uapi.RTM_NEWADDR();
    private static final int RTM_NEWROUTE = Uapi.RTM_NEWROUTE();
    private static final int CREATE = Uapi.NLM_F_CREATE() | Uapi.NLM_F_EXCL();
    private static final int IFINFOMSG = (int) ifinfomsg.sizeof();
    private static final int IFADDRMSG = (int) ifaddrmsg.sizeof();
    private static final int RTMSG = (int) rtmsg.sizeof();
    private static final long IFI_INDEX = ifinfomsg.ifi_index$offset();
    private static final long IFI_FLAGS = ifinfomsg.ifi_flags$offset();
    private static final long IFI_CHANGE = ifinfomsg.ifi_change$offset();
    private static final int IFF_UP = Uapi.IFF_UP();
    private static final int AF_INET = LibC.AF_INET();
    private static final int AF_INET6 = LibC.AF_INET6();

    private final Batch batch;

    ContainerRequests(Batch batch) {
        this.batch = batch;
    }

    /**
     * {@code sysctl net.ipv4.conf.IF.arp_notify=1} and/or no IPv6 link-local address on {@code ifindex}, in one
     * {@code RTM_NEWLINK} with {@code IFLA_AF_SPEC}. Must precede the link's up: the kernel applies AF_SPEC after a
     * flag change within one request, and a link-local address is generated at up.
     */
    void afSpec(int ifindex, boolean arpNotify, boolean noIpv6, Object subject) {
        MsgWriter w = batch.begin(RTM_NEWLINK, 0, subject);
        long h = w.reserve(IFINFOMSG);
        w.setU32(h + IFI_INDEX, ifindex);
        long spec = w.nestStart(Uapi.IFLA_AF_SPEC());
        if (arpNotify) {
            long inet = w.nestStart(AF_INET);
            long conf = w.nestStart(Uapi.IFLA_INET_CONF());
            w.putU32(IPV4_DEVCONF_ARP_NOTIFY, 1);
            w.nestEnd(conf);
            w.nestEnd(inet);
        }
        if (noIpv6) {
            long inet6 = w.nestStart(AF_INET6);
            w.putU8(Uapi.IFLA_INET6_ADDR_GEN_MODE(), IN6_ADDR_GEN_MODE_NONE);
            w.nestEnd(inet6);
        }
        w.nestEnd(spec);
        batch.end();
    }

    /** {@code ip link set dev #ifindex up}. */
    void up(int ifindex, Object subject) {
        MsgWriter w = batch.begin(RTM_NEWLINK, 0, subject);
        long h = w.reserve(IFINFOMSG);
        w.setU32(h + IFI_INDEX, ifindex);
        w.setU32(h + IFI_FLAGS, IFF_UP);
        w.setU32(h + IFI_CHANGE, IFF_UP);
        batch.end();
    }

    /** {@code ip addr add ADDR/PLEN brd + dev #ifindex}. */
    void address(int ifindex, int addr, int prefixLength, Object subject) {
        MsgWriter w = batch.begin(RTM_NEWADDR, CREATE, subject);
        long h = w.reserve(IFADDRMSG);
        w.setU8(h + ifaddrmsg.ifa_family$offset(), AF_INET);
        w.setU8(h + ifaddrmsg.ifa_prefixlen$offset(), prefixLength);
        w.setU32(h + ifaddrmsg.ifa_index$offset(), ifindex);
        w.putBe32(Uapi.IFA_LOCAL(), addr).putBe32(Uapi.IFA_ADDRESS(), addr);
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        if (prefixLength < 31) w.putBe32(Uapi.IFA_BROADCAST(), addr | ~mask);
        batch.end();
    }

    /** {@code ip route add default via GATEWAY dev #ifindex}. */
    void defaultRoute(int gateway, int ifindex, Object subject) {
        MsgWriter w = batch.begin(RTM_NEWROUTE, CREATE, subject);
        long h = w.reserve(RTMSG);
        w.setU8(h + rtmsg.rtm_family$offset(), AF_INET);
        w.setU8(h + rtmsg.rtm_table$offset(), Uapi.RT_TABLE_MAIN());
        w.setU8(h + rtmsg.rtm_protocol$offset(), Uapi.RTPROT_BOOT());
        w.setU8(h + rtmsg.rtm_scope$offset(), Uapi.RT_SCOPE_UNIVERSE());
        w.setU8(h + rtmsg.rtm_type$offset(), Uapi.RTN_UNICAST());
        w.putBe32(Uapi.RTA_GATEWAY(), gateway);
        w.putU32(Uapi.RTA_OIF(), ifindex);
        batch.end();
    }
}
