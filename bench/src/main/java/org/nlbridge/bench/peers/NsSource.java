package org.nlbridge.bench.peers;

import org.nlbridge.netns.NetNs;

/** Opens a namespace by the name the harness gave it; a fresh handle each time, which the caller closes. */
interface NsSource {
    NetNs open(String name);

    /** The harness's namespaces, {@code /run/netns/NAME}. */
    NsSource NAMED = NetNs::open;
}
