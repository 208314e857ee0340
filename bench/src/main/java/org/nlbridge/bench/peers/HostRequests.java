package org.nlbridge.bench.peers;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.bindings.linux.ifinfomsg;
import org.nlbridge.netlink.Batch;
import org.nlbridge.netlink.MsgWriter;

/**
 * The host side's veth creates, encoded as {@code LinkRequests.add(VethSpec)} encodes them with
 * {@code VethSpec.queues(1)}: one TX and one RX queue on both ends ({@code IFLA_NUM_TX_QUEUES},
 * {@code IFLA_NUM_RX_QUEUES}, as {@code ip link add ... numtxqueues 1 numrxqueues 1}), into the bench's own batch.
 * The {@code vethspec} ablation ({@code PB_ENGINE_HOST=rtnl}) goes through {@code RtnlBatch} with the kernel's
 * default queues instead, to show what the one queue is worth.
 *
 * <p>Why: a veth gets one queue per possible CPU unless told otherwise, and {@code veth_newlink} then cuts the real
 * count back to one, which on a registered device means {@code synchronize_net()}, an expedited RCU grace period,
 * per end, under the RTNL lock. Profiled at N=500 (perf, sched_switch): the single largest cause of the host batch
 * sleeping, and a quarter of {@code veth_newlink}'s CPU time. Asking for one queue up front skips it.
 */
final class HostRequests {
    private static final int RTM_NEWLINK = Uapi.RTM_NEWLINK();
    private static final int CREATE = Uapi.NLM_F_CREATE() | Uapi.NLM_F_EXCL();
    private static final int IFINFOMSG = (int) ifinfomsg.sizeof();
    private static final long IFI_FLAGS = ifinfomsg.ifi_flags$offset();
    private static final long IFI_CHANGE = ifinfomsg.ifi_change$offset();
    private static final int IFF_UP = Uapi.IFF_UP();

    private final Batch batch;

    HostRequests(Batch batch) {
        this.batch = batch;
    }

    /**
     * {@code ip link add NAME numtxqueues 1 numrxqueues 1 master #MASTER [up] type veth peer name PEER numtxqueues 1
     * numrxqueues 1 netns FD}.
     */
    void veth(String name, String peerName, int peerNetnsFd, int master, boolean up, Object subject) {
        MsgWriter w = batch.begin(RTM_NEWLINK, CREATE, subject);
        long h = w.reserve(IFINFOMSG);
        if (up) {
            w.setU32(h + IFI_FLAGS, IFF_UP);
            w.setU32(h + IFI_CHANGE, IFF_UP);
        }
        w.putString(Uapi.IFLA_IFNAME(), name);
        w.putU32(Uapi.IFLA_NUM_TX_QUEUES(), 1).putU32(Uapi.IFLA_NUM_RX_QUEUES(), 1);
        w.putU32(Uapi.IFLA_MASTER(), master);
        long info = w.nestStart(Uapi.IFLA_LINKINFO());
        w.putString(Uapi.IFLA_INFO_KIND(), "veth");
        long data = w.nestStart(Uapi.IFLA_INFO_DATA());
        long peer = w.nestStart(Uapi.VETH_INFO_PEER());
        w.reserve(IFINFOMSG);
        w.putString(Uapi.IFLA_IFNAME(), peerName);
        w.putU32(Uapi.IFLA_NUM_TX_QUEUES(), 1).putU32(Uapi.IFLA_NUM_RX_QUEUES(), 1);
        w.putU32(Uapi.IFLA_NET_NS_FD(), peerNetnsFd);
        w.nestEnd(peer);
        w.nestEnd(data);
        w.nestEnd(info);
        batch.end();
    }
}
