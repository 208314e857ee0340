package org.nlbridge.nft;

import java.util.Locale;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.netlink.AttrCursor;
import org.nlbridge.netlink.MsgCursor;

/**
 * One nf_tables change notification from the {@code NFNLGRP_NFTABLES} multicast group, what {@code nft monitor}
 * prints: an object (table, chain, rule, set, element, stateful object, flowtable) added or deleted in a table, or
 * the end of a committed transaction ({@link Kind#GENERATION}), which names the new ruleset generation and the
 * process (the thread id and its name, as the kernel gives them) that committed it. The object notifications of a
 * transaction come before its generation notification.
 *
 * @param family  as nft spells it ({@code ip}, {@code ip6}, {@code inet}, {@code bridge}, {@code arp},
 *                {@code netdev}); {@code unspec} for a generation
 * @param table   the table the object belongs to; null for a generation
 * @param gen     for a generation: its id; else 0
 * @param pid     for a generation: the committing thread's id ({@code NFTA_GEN_PROC_PID}); else 0
 * @param process for a generation: the committing thread's name ({@code NFTA_GEN_PROC_NAME}); else null
 * @param port    for a generation: the netlink port id of the socket that committed it ({@code nlmsg_pid}); else 0
 */
public record NftNotice(Kind kind, boolean deleted, String family, String table, long gen, int pid, String process,
                        int port) {

    /** What the notification is about. */
    public enum Kind { TABLE, CHAIN, RULE, SET, ELEMENT, OBJECT, FLOWTABLE, GENERATION }

    private static final int BASE = Uapi.NFNL_SUBSYS_NFTABLES() << 8;
    /** Every nf_tables object message carries its table's name in attribute 1 ({@code NFTA_*_TABLE}). */
    private static final int TABLE_ATTR = 1;

    /** The notification in the current message of {@code msg}, or null if it is not an nf_tables one we know. */
    public static NftNotice decode(MsgCursor msg, AttrCursor attrs) {
        int type = msg.type();
        if ((type & 0xff00) != BASE) return null;
        int t = type & 0xff;
        msg.requirePayload(4);
        String family = family(msg.u8At(0));
        if (t == Uapi.NFT_MSG_NEWGEN()) {
            long gen = 0;
            int pid = 0;
            String process = null;
            AttrCursor a = msg.attributes(attrs, 4);
            while (a.next()) {
                if (a.type() == Uapi.NFTA_GEN_ID()) gen = a.be32() & 0xffffffffL;
                else if (a.type() == Uapi.NFTA_GEN_PROC_PID()) pid = a.be32();
                else if (a.type() == Uapi.NFTA_GEN_PROC_NAME()) process = a.string();
            }
            return new NftNotice(Kind.GENERATION, false, family, null, gen, pid, process, msg.portId());
        }
        Kind kind;
        boolean deleted;
        if (t == Uapi.NFT_MSG_NEWTABLE() || t == Uapi.NFT_MSG_DELTABLE()) {
            kind = Kind.TABLE;
            deleted = t == Uapi.NFT_MSG_DELTABLE();
        } else if (t == Uapi.NFT_MSG_NEWCHAIN() || t == Uapi.NFT_MSG_DELCHAIN()) {
            kind = Kind.CHAIN;
            deleted = t == Uapi.NFT_MSG_DELCHAIN();
        } else if (t == Uapi.NFT_MSG_NEWRULE() || t == Uapi.NFT_MSG_DELRULE()) {
            kind = Kind.RULE;
            deleted = t == Uapi.NFT_MSG_DELRULE();
        } else if (t == Uapi.NFT_MSG_NEWSET() || t == Uapi.NFT_MSG_DELSET()) {
            kind = Kind.SET;
            deleted = t == Uapi.NFT_MSG_DELSET();
        } else if (t == Uapi.NFT_MSG_NEWSETELEM() || t == Uapi.NFT_MSG_DELSETELEM()) {
            kind = Kind.ELEMENT;
            deleted = t == Uapi.NFT_MSG_DELSETELEM();
        } else if (t == Uapi.NFT_MSG_NEWOBJ() || t == Uapi.NFT_MSG_DELOBJ()) {
            kind = Kind.OBJECT;
            deleted = t == Uapi.NFT_MSG_DELOBJ();
        } else if (t == Uapi.NFT_MSG_NEWFLOWTABLE() || t == Uapi.NFT_MSG_DELFLOWTABLE()) {
            kind = Kind.FLOWTABLE;
            deleted = t == Uapi.NFT_MSG_DELFLOWTABLE();
        } else {
            return null; // e.g. NFT_MSG_TRACE, or a message type newer than this code
        }
        String table = null;
        AttrCursor a = msg.attributes(attrs, 4);
        while (a.next()) {
            if (a.type() == TABLE_ATTR) {
                table = a.string();
                break;
            }
        }
        return new NftNotice(kind, deleted, family, table, 0, 0, null, 0);
    }

    /** {@code nfgen_family} as nft spells it. */
    static String family(int nfproto) {
        Family f = Family.ofNfproto(nfproto);
        if (f != null) return f.toString();
        if (nfproto == Uapi.NFPROTO_BRIDGE()) return "bridge";
        if (nfproto == Uapi.NFPROTO_ARP()) return "arp";
        if (nfproto == Uapi.NFPROTO_NETDEV()) return "netdev";
        if (nfproto == Uapi.NFPROTO_UNSPEC()) return "unspec";
        return "family " + nfproto;
    }

    /** {@code table ip nlbridge}, {@code chain in ip nlbridge}, {@code generation 42 by nft[1234]}. */
    @Override
    public String toString() {
        if (kind == Kind.GENERATION) return "generation " + gen + " by " + process + "[" + pid + "]";
        return (deleted ? "delete " : "new ") + kind.name().toLowerCase(Locale.ROOT) + " in " + family + " " + table;
    }
}
