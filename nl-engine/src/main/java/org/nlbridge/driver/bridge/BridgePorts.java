package org.nlbridge.driver.bridge;

import java.util.List;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.bindings.linux.ifinfomsg;
import org.nlbridge.netlink.Batch;
import org.nlbridge.netlink.BatchResult;
import org.nlbridge.netlink.MsgWriter;
import org.nlbridge.netlink.NlSocket;
import org.nlbridge.netns.NetNs;

/**
 * Bridge-port settings the rtnl layer has no verb for yet: hairpin mode on the host end of a container's veth.
 *
 * <p>Why hairpin: a container reaching its own published port through a host address is DNATed back to itself.
 * With {@code br_netfilter} ({@code net.bridge.bridge-nf-call-iptables=1}, the default in a new namespace and what
 * icc=false needs), that DNAT happens in the bridge's prerouting, the kernel then bridges the frame, and the bridge
 * sends a frame back out of the port it came in on only when the port is in hairpin mode. Docker sets it for the
 * same reason whenever no userland proxy answers hairpin traffic (we never run one).
 *
 * <p>Equivalent to: {@code ip link set $veth type bridge_slave hairpin on}. One socket in the host namespace,
 * opened on first use; requests go in one batch per attach.
 */
final class BridgePorts implements AutoCloseable {
    private static final int RTM_NEWLINK = Uapi.RTM_NEWLINK();
    private static final int IFINFOMSG = (int) ifinfomsg.sizeof();
    private static final int IFLA_IFNAME = Uapi.IFLA_IFNAME();
    private static final int IFLA_LINKINFO = Uapi.IFLA_LINKINFO();
    private static final int IFLA_INFO_SLAVE_KIND = Uapi.IFLA_INFO_SLAVE_KIND();
    private static final int IFLA_INFO_SLAVE_DATA = Uapi.IFLA_INFO_SLAVE_DATA();
    private static final int IFLA_BRPORT_MODE = Uapi.IFLA_BRPORT_MODE();

    private final NetNs host;
    private NlSocket socket;
    private Batch batch;

    BridgePorts(NetNs host) {
        this.host = host;
    }

    /** Turns hairpin mode on for each named bridge port, in one batch; returns the outcome of each request. */
    BatchResult hairpinOn(List<String> ports) {
        if (batch == null) {
            socket = host.openSocket(Uapi.NETLINK_ROUTE());
            batch = new Batch(socket);
        }
        for (String port : ports) {
            MsgWriter w = batch.begin(RTM_NEWLINK, 0, new Subject(port));
            w.reserve(IFINFOMSG); // index 0: the link is named by IFLA_IFNAME
            w.putString(IFLA_IFNAME, port);
            long info = w.nestStart(IFLA_LINKINFO);
            w.putString(IFLA_INFO_SLAVE_KIND, "bridge");
            long data = w.nestStart(IFLA_INFO_SLAVE_DATA);
            w.putU8(IFLA_BRPORT_MODE, 1);
            w.nestEnd(data);
            w.nestEnd(info);
            batch.end();
        }
        return batch.execute();
    }

    /** What a failure names: {@code hairpin on veth1234567}. */
    record Subject(String port) {
        @Override
        public String toString() {
            return "hairpin on " + port;
        }
    }

    @Override
    public void close() {
        if (batch != null) batch.close();
        if (socket != null) socket.close();
    }
}
