package org.nlbridge.rtnl;

import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.bindings.linux.ifaddrmsg;
import org.nlbridge.bindings.linux.ifinfomsg;
import org.nlbridge.bindings.linux.rtmsg;

/** The kernel constants and struct offsets rtnl encodes and decodes with, read once from the jextract bindings. */
final class Rt {
    private Rt() {}

    static final int AF_UNSPEC = LibC.AF_UNSPEC();
    static final int AF_INET = LibC.AF_INET();
    static final int AF_INET6 = LibC.AF_INET6();

    static final int RTM_NEWLINK = Uapi.RTM_NEWLINK();
    static final int RTM_DELLINK = Uapi.RTM_DELLINK();
    static final int RTM_GETLINK = Uapi.RTM_GETLINK();
    static final int RTM_NEWADDR = Uapi.RTM_NEWADDR();
    static final int RTM_DELADDR = Uapi.RTM_DELADDR();
    static final int RTM_GETADDR = Uapi.RTM_GETADDR();
    static final int RTM_NEWROUTE = Uapi.RTM_NEWROUTE();
    static final int RTM_DELROUTE = Uapi.RTM_DELROUTE();
    static final int RTM_GETROUTE = Uapi.RTM_GETROUTE();

    static final int NLM_F_CREATE = Uapi.NLM_F_CREATE();
    static final int NLM_F_EXCL = Uapi.NLM_F_EXCL();
    static final int NLM_F_REPLACE = Uapi.NLM_F_REPLACE();
    /** {@code add}: create, fail if present ({@code ip ... add}). */
    static final int ADD = NLM_F_CREATE | NLM_F_EXCL;
    /** {@code replace}: create or overwrite ({@code ip ... replace}). */
    static final int REPLACE = NLM_F_CREATE | NLM_F_REPLACE;

    static final int IFINFOMSG = (int) ifinfomsg.sizeof();
    static final int IFI_FAMILY = (int) ifinfomsg.ifi_family$offset();
    static final int IFI_TYPE = (int) ifinfomsg.ifi_type$offset();
    static final int IFI_INDEX = (int) ifinfomsg.ifi_index$offset();
    static final int IFI_FLAGS = (int) ifinfomsg.ifi_flags$offset();
    static final int IFI_CHANGE = (int) ifinfomsg.ifi_change$offset();

    static final int IFF_UP = Uapi.IFF_UP();
    static final int IFF_LOWER_UP = Uapi.IFF_LOWER_UP();

    static final int IFLA_MAX = Uapi.IFLA_MAX();
    static final int IFLA_ADDRESS = Uapi.IFLA_ADDRESS();
    static final int IFLA_IFNAME = Uapi.IFLA_IFNAME();
    static final int IFLA_MTU = Uapi.IFLA_MTU();
    static final int IFLA_LINK = Uapi.IFLA_LINK();
    static final int IFLA_MASTER = Uapi.IFLA_MASTER();
    static final int IFLA_NUM_TX_QUEUES = Uapi.IFLA_NUM_TX_QUEUES();
    static final int IFLA_NUM_RX_QUEUES = Uapi.IFLA_NUM_RX_QUEUES();
    static final int IFLA_OPERSTATE = Uapi.IFLA_OPERSTATE();
    static final int IFLA_LINKINFO = Uapi.IFLA_LINKINFO();
    static final int IFLA_IFALIAS = Uapi.IFLA_IFALIAS();
    static final int IFLA_NET_NS_FD = Uapi.IFLA_NET_NS_FD();
    static final int IFLA_EXT_MASK = Uapi.IFLA_EXT_MASK();
    static final int IFLA_LINK_NETNSID = Uapi.IFLA_LINK_NETNSID();
    static final int IFLA_INFO_KIND = Uapi.IFLA_INFO_KIND();
    static final int IFLA_INFO_DATA = Uapi.IFLA_INFO_DATA();
    static final int IFLA_INFO_SLAVE_KIND = Uapi.IFLA_INFO_SLAVE_KIND();
    static final int IFLA_INFO_SLAVE_DATA = Uapi.IFLA_INFO_SLAVE_DATA();
    static final int IFLA_BRPORT_MODE = Uapi.IFLA_BRPORT_MODE();
    static final int IFLA_BRPORT_ISOLATED = Uapi.IFLA_BRPORT_ISOLATED();
    static final int IFLA_BRPORT_LEARNING = Uapi.IFLA_BRPORT_LEARNING();
    static final int IFLA_BRPORT_UNICAST_FLOOD = Uapi.IFLA_BRPORT_UNICAST_FLOOD();
    static final int IFLA_BRPORT_MCAST_FLOOD = Uapi.IFLA_BRPORT_MCAST_FLOOD();
    static final int IFLA_BRPORT_BCAST_FLOOD = Uapi.IFLA_BRPORT_BCAST_FLOOD();
    static final int VETH_INFO_PEER = Uapi.VETH_INFO_PEER();
    static final int IFLA_BR_FORWARD_DELAY = Uapi.IFLA_BR_FORWARD_DELAY();
    static final int IFLA_BR_AGEING_TIME = Uapi.IFLA_BR_AGEING_TIME();
    static final int IFLA_BR_STP_STATE = Uapi.IFLA_BR_STP_STATE();
    static final int IFLA_BR_VLAN_FILTERING = Uapi.IFLA_BR_VLAN_FILTERING();
    static final int IFLA_BR_MCAST_SNOOPING = Uapi.IFLA_BR_MCAST_SNOOPING();
    /** Leave the statistics out of link replies: they are most of a link message's bytes and nobody here reads them. */
    static final int EXT_MASK = Uapi.RTEXT_FILTER_SKIP_STATS();

    static final int IFADDRMSG = (int) ifaddrmsg.sizeof();
    static final int IFA_FAMILY = (int) ifaddrmsg.ifa_family$offset();
    static final int IFA_PREFIXLEN = (int) ifaddrmsg.ifa_prefixlen$offset();
    static final int IFA_FLAGS_U8 = (int) ifaddrmsg.ifa_flags$offset();
    static final int IFA_SCOPE = (int) ifaddrmsg.ifa_scope$offset();
    static final int IFA_INDEX = (int) ifaddrmsg.ifa_index$offset();
    static final int IFA_MAX = Uapi.IFA_MAX();
    static final int IFA_ADDRESS = Uapi.IFA_ADDRESS();
    static final int IFA_LOCAL = Uapi.IFA_LOCAL();
    static final int IFA_LABEL = Uapi.IFA_LABEL();
    static final int IFA_BROADCAST = Uapi.IFA_BROADCAST();
    static final int IFA_FLAGS = Uapi.IFA_FLAGS();
    static final int IFA_F_NODAD = Uapi.IFA_F_NODAD();
    static final int IFA_F_NOPREFIXROUTE = Uapi.IFA_F_NOPREFIXROUTE();

    static final int RTMSG = (int) rtmsg.sizeof();
    static final int RTM_FAMILY = (int) rtmsg.rtm_family$offset();
    static final int RTM_DST_LEN = (int) rtmsg.rtm_dst_len$offset();
    static final int RTM_SRC_LEN = (int) rtmsg.rtm_src_len$offset();
    static final int RTM_TABLE = (int) rtmsg.rtm_table$offset();
    static final int RTM_PROTOCOL = (int) rtmsg.rtm_protocol$offset();
    static final int RTM_SCOPE = (int) rtmsg.rtm_scope$offset();
    static final int RTM_TYPE = (int) rtmsg.rtm_type$offset();
    static final int RTM_FLAGS = (int) rtmsg.rtm_flags$offset();
    static final int RTA_MAX = Uapi.RTA_MAX();
    static final int RTA_DST = Uapi.RTA_DST();
    static final int RTA_OIF = Uapi.RTA_OIF();
    static final int RTA_GATEWAY = Uapi.RTA_GATEWAY();
    static final int RTA_PRIORITY = Uapi.RTA_PRIORITY();
    static final int RTA_PREFSRC = Uapi.RTA_PREFSRC();
    static final int RTA_TABLE = Uapi.RTA_TABLE();
    static final int RT_TABLE_UNSPEC = Uapi.RT_TABLE_UNSPEC();
    static final int RT_TABLE_MAIN = Uapi.RT_TABLE_MAIN();
}
