package org.nlbridge.netlink;

import org.nlbridge.bindings.linux.Uapi;

/**
 * Kernel spellings of the message types this project sends, for error messages ({@code RTM_NEWLINK},
 * {@code NFT_MSG_NEWRULE}). rtnetlink types are below 0x100 and nftables types carry their subsystem in the high
 * byte, so one table serves both sockets; the nfnetlink batch delimiters (which reuse 0x10 and 0x11) are named by
 * the transaction code itself.
 */
public final class MsgTypes {
    private MsgTypes() {}

    private static final int NFT_BASE = Uapi.NFNL_SUBSYS_NFTABLES() << 8;
    private static final String[] RTNL = new String[0x100];
    private static final String[] NFT = new String[0x100];

    private static void rtnl(int type, String name) {
        RTNL[type] = name;
    }

    private static void nft(int msg, String name) {
        NFT[msg] = name;
    }

    static {
        rtnl(Uapi.NLMSG_NOOP(), "NLMSG_NOOP");
        rtnl(Uapi.NLMSG_ERROR(), "NLMSG_ERROR");
        rtnl(Uapi.NLMSG_DONE(), "NLMSG_DONE");
        rtnl(Uapi.NLMSG_OVERRUN(), "NLMSG_OVERRUN");
        rtnl(Uapi.RTM_NEWLINK(), "RTM_NEWLINK");
        rtnl(Uapi.RTM_DELLINK(), "RTM_DELLINK");
        rtnl(Uapi.RTM_GETLINK(), "RTM_GETLINK");
        rtnl(Uapi.RTM_SETLINK(), "RTM_SETLINK");
        rtnl(Uapi.RTM_NEWADDR(), "RTM_NEWADDR");
        rtnl(Uapi.RTM_DELADDR(), "RTM_DELADDR");
        rtnl(Uapi.RTM_GETADDR(), "RTM_GETADDR");
        rtnl(Uapi.RTM_NEWROUTE(), "RTM_NEWROUTE");
        rtnl(Uapi.RTM_DELROUTE(), "RTM_DELROUTE");
        rtnl(Uapi.RTM_GETROUTE(), "RTM_GETROUTE");
        rtnl(Uapi.RTM_NEWNEIGH(), "RTM_NEWNEIGH");
        rtnl(Uapi.RTM_DELNEIGH(), "RTM_DELNEIGH");
        rtnl(Uapi.RTM_GETNEIGH(), "RTM_GETNEIGH");
        rtnl(Uapi.RTM_NEWRULE(), "RTM_NEWRULE");
        rtnl(Uapi.RTM_DELRULE(), "RTM_DELRULE");
        rtnl(Uapi.RTM_GETRULE(), "RTM_GETRULE");
        rtnl(Uapi.RTM_NEWNETCONF(), "RTM_NEWNETCONF");
        rtnl(Uapi.RTM_GETNETCONF(), "RTM_GETNETCONF");
        rtnl(Uapi.RTM_NEWMDB(), "RTM_NEWMDB");
        rtnl(Uapi.RTM_DELMDB(), "RTM_DELMDB");
        rtnl(Uapi.RTM_GETMDB(), "RTM_GETMDB");
        rtnl(Uapi.RTM_NEWNSID(), "RTM_NEWNSID");
        rtnl(Uapi.RTM_DELNSID(), "RTM_DELNSID");
        rtnl(Uapi.RTM_GETNSID(), "RTM_GETNSID");
        rtnl(Uapi.RTM_NEWLINKPROP(), "RTM_NEWLINKPROP");
        rtnl(Uapi.RTM_DELLINKPROP(), "RTM_DELLINKPROP");
        rtnl(Uapi.RTM_NEWVLAN(), "RTM_NEWVLAN");
        rtnl(Uapi.RTM_DELVLAN(), "RTM_DELVLAN");
        rtnl(Uapi.RTM_GETVLAN(), "RTM_GETVLAN");
        nft(Uapi.NFT_MSG_NEWTABLE(), "NFT_MSG_NEWTABLE");
        nft(Uapi.NFT_MSG_GETTABLE(), "NFT_MSG_GETTABLE");
        nft(Uapi.NFT_MSG_DELTABLE(), "NFT_MSG_DELTABLE");
        nft(Uapi.NFT_MSG_NEWCHAIN(), "NFT_MSG_NEWCHAIN");
        nft(Uapi.NFT_MSG_GETCHAIN(), "NFT_MSG_GETCHAIN");
        nft(Uapi.NFT_MSG_DELCHAIN(), "NFT_MSG_DELCHAIN");
        nft(Uapi.NFT_MSG_NEWRULE(), "NFT_MSG_NEWRULE");
        nft(Uapi.NFT_MSG_GETRULE(), "NFT_MSG_GETRULE");
        nft(Uapi.NFT_MSG_DELRULE(), "NFT_MSG_DELRULE");
        nft(Uapi.NFT_MSG_NEWSET(), "NFT_MSG_NEWSET");
        nft(Uapi.NFT_MSG_GETSET(), "NFT_MSG_GETSET");
        nft(Uapi.NFT_MSG_DELSET(), "NFT_MSG_DELSET");
        nft(Uapi.NFT_MSG_NEWSETELEM(), "NFT_MSG_NEWSETELEM");
        nft(Uapi.NFT_MSG_GETSETELEM(), "NFT_MSG_GETSETELEM");
        nft(Uapi.NFT_MSG_DELSETELEM(), "NFT_MSG_DELSETELEM");
        nft(Uapi.NFT_MSG_NEWGEN(), "NFT_MSG_NEWGEN");
        nft(Uapi.NFT_MSG_GETGEN(), "NFT_MSG_GETGEN");
        nft(Uapi.NFT_MSG_NEWOBJ(), "NFT_MSG_NEWOBJ");
        nft(Uapi.NFT_MSG_GETOBJ(), "NFT_MSG_GETOBJ");
        nft(Uapi.NFT_MSG_DELOBJ(), "NFT_MSG_DELOBJ");
        nft(Uapi.NFT_MSG_NEWFLOWTABLE(), "NFT_MSG_NEWFLOWTABLE");
        nft(Uapi.NFT_MSG_GETFLOWTABLE(), "NFT_MSG_GETFLOWTABLE");
        nft(Uapi.NFT_MSG_DELFLOWTABLE(), "NFT_MSG_DELFLOWTABLE");
        // Linux 6.3, newer than the uapi header of the bindings
        nft(26, "NFT_MSG_DESTROYTABLE");
        nft(27, "NFT_MSG_DESTROYCHAIN");
        nft(28, "NFT_MSG_DESTROYRULE");
        nft(29, "NFT_MSG_DESTROYSET");
        nft(30, "NFT_MSG_DESTROYSETELEM");
    }

    /** The kernel name of {@code type}, or {@code type 0x…} for one not in the table. */
    public static String name(int type) {
        String n = null;
        if (type >= 0 && type < 0x100) {
            n = RTNL[type];
        } else if ((type & ~0xff) == NFT_BASE) {
            n = NFT[type & 0xff];
        }
        return n != null ? n : "type 0x" + Integer.toHexString(type);
    }
}
