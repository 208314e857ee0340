package org.nlbridge.rtnl;

import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.bindings.linux.ndmsg;

/**
 * The neighbour and FDB constants and {@code struct ndmsg} offsets rtnl encodes and decodes with, read once from the
 * jextract bindings (kept apart from {@link Rt}, which holds links, addresses and routes).
 */
final class Nd {
    private Nd() {}

    static final int AF_BRIDGE = LibC.AF_BRIDGE();

    static final int RTM_NEWNEIGH = Uapi.RTM_NEWNEIGH();
    static final int RTM_DELNEIGH = Uapi.RTM_DELNEIGH();
    static final int RTM_GETNEIGH = Uapi.RTM_GETNEIGH();
    /** {@code bridge fdb append}: one more destination for a MAC that may have some already. */
    static final int APPEND = Uapi.NLM_F_CREATE() | Uapi.NLM_F_APPEND();

    static final int NDMSG = (int) ndmsg.sizeof();
    static final int NDM_FAMILY = (int) ndmsg.ndm_family$offset();
    static final int NDM_IFINDEX = (int) ndmsg.ndm_ifindex$offset();
    static final int NDM_STATE = (int) ndmsg.ndm_state$offset();
    static final int NDM_FLAGS = (int) ndmsg.ndm_flags$offset();
    static final int NDM_TYPE = (int) ndmsg.ndm_type$offset();

    static final int NDA_MAX = Uapi.NDA_MAX();
    static final int NDA_DST = Uapi.NDA_DST();
    static final int NDA_LLADDR = Uapi.NDA_LLADDR();
    static final int NDA_VLAN = Uapi.NDA_VLAN();
    static final int NDA_PORT = Uapi.NDA_PORT();
    static final int NDA_VNI = Uapi.NDA_VNI();
    static final int NDA_IFINDEX = Uapi.NDA_IFINDEX();
    static final int NDA_MASTER = Uapi.NDA_MASTER();

    static final int NTF_USE = Uapi.NTF_USE();
    static final int NTF_SELF = Uapi.NTF_SELF();
    static final int NTF_MASTER = Uapi.NTF_MASTER();
    static final int NTF_PROXY = Uapi.NTF_PROXY();
    static final int NTF_EXT_LEARNED = Uapi.NTF_EXT_LEARNED();
    static final int NTF_OFFLOADED = Uapi.NTF_OFFLOADED();
    static final int NTF_STICKY = Uapi.NTF_STICKY();
    static final int NTF_ROUTER = Uapi.NTF_ROUTER();

    /** VXLAN network identifiers are 24 bits ({@code VXLAN_N_VID}). */
    static final int VNI_MAX = (1 << 24) - 1;
}
