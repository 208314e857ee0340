package org.nlbridge.rtnl;

import org.nlbridge.net.MacAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netlink.Batch;
import org.nlbridge.netlink.MsgWriter;

/**
 * The neighbour and FDB verbs that change the kernel, shared by the direct handle ({@link Rtnl#neighbours()}) and a
 * batch ({@link RtnlBatch#neighbours()}, where hundreds of entries go out in one {@code sendmsg}); see
 * {@link LinkRequests} for how the two differ. Every input is checked before anything is encoded; a refusal names
 * the entry ({@link NeighbourSpec#toString()}), e.g. {@code RTM_NEWNEIGH fdb 02:42:0a:3c:00:0c dst 198.51.100.12 on
 * ifindex 7 (self): EEXIST (File exists)}.
 *
 * <p>For reconcile, {@link #replace} converges an entry to the spec whether it exists or not, and
 * {@link #deleteIfExists} converges it to absent: an entry (or its link) already gone counts as done.
 */
public abstract sealed class NeighbourRequests permits Neighbours, RtnlBatch.BatchNeighbours {
    final Batch batch;
    private final Enc enc = new Enc();

    NeighbourRequests(Batch batch) {
        this.batch = batch;
    }

    /** Direct handle: sends what was queued and throws its failure. Batch: nothing (execute sends). */
    abstract void commit();

    /**
     * Begins a request: acknowledged as usual on the direct handle (one request, its ack is its answer); in a batch,
     * acknowledged only on failure ({@link Batch#beginQuiet}), since a batch of hundreds of entries would otherwise
     * spend more on reading acks than the kernel spends on the entries.
     */
    abstract MsgWriter begin(int type, int flags, NeighbourSpec spec);

    /**
     * Adds an entry; {@link org.nlbridge.netlink.ObjectExistsException} if there is one for that address (neighbour)
     * or MAC (FDB) already. Equivalent to: {@code ip neigh add $ip lladdr $mac dev $link nud permanent}, or
     * {@code bridge fdb add $mac dev $link [dst $vtep] [vni $vni] [port $port] [via $underlay] self permanent}.
     */
    public void add(NeighbourSpec spec) {
        requireMac(spec, "add");
        send(Nd.RTM_NEWNEIGH, Rt.ADD, spec, false);
    }

    /**
     * Makes it so: adds the entry, or overwrites the one for that address or MAC (for a VXLAN FDB entry: its first
     * destination). Converges, for reconcile. Equivalent to: {@code ip neigh replace ...}, {@code bridge fdb replace
     * ...}.
     */
    public void replace(NeighbourSpec spec) {
        requireMac(spec, "replace");
        send(Nd.RTM_NEWNEIGH, Rt.REPLACE, spec, false);
    }

    /**
     * Adds one more destination to a VXLAN FDB entry that may have others: for the all-zeros MAC
     * ({@link NeighbourSpec#flood}), one per remote VTEP, so that broadcast and unknown unicast reach each of them.
     * Appending a destination the entry has already changes nothing and succeeds, so it converges too. Only for the
     * all-zeros or a multicast MAC in the device's own table: the kernel silently ignores an append to a unicast
     * MAC, so it is refused here. Equivalent to: {@code bridge fdb append 00:00:00:00:00:00 dev $link dst $vtep}.
     */
    public void append(NeighbourSpec spec) {
        MacAddress mac = spec.mac();
        if (!spec.isFdb() || (spec.flags() & Nd.NTF_SELF) == 0 || (!mac.isZero() && mac.isUnicast())) {
            throw new ValidationException("fdb.mac", mac == null ? null : mac.toString(),
                    "append adds a flood destination, and only the all-zeros or a multicast MAC in a device's own "
                            + "table (self) has several",
                    "NeighbourSpec.flood(link, vtep); for a unicast MAC use replace");
        }
        if (spec.address() == null) {
            throw new ValidationException("fdb.dst", null, "no value given", "the remote VTEP to append");
        }
        send(Nd.RTM_NEWNEIGH, Nd.APPEND, spec, false);
    }

    /**
     * Deletes an entry; {@link org.nlbridge.netlink.NoSuchObjectException} ({@code ENOENT}) if there is none. For a
     * VXLAN FDB entry with a {@code dst}, only that destination goes (the kernel succeeds when the MAC exists
     * without it). Equivalent to: {@code ip neigh del $ip dev $link}, {@code bridge fdb del $mac dev $link [dst
     * $vtep] self}.
     */
    public void delete(NeighbourSpec spec) {
        send(Nd.RTM_DELNEIGH, 0, spec, false);
    }

    /**
     * Deletes an entry if it is there: an entry, or its whole link, already gone counts as done (in a batch it is
     * counted in {@link org.nlbridge.netlink.BatchResult#absent()}). For teardown and reconcile.
     * Equivalent to: {@code ip neigh del ...} / {@code bridge fdb del ...}, ignoring "No such file or directory".
     */
    public void deleteIfExists(NeighbourSpec spec) {
        send(Nd.RTM_DELNEIGH, 0, spec, true);
    }

    private static void requireMac(NeighbourSpec spec, String verb) {
        if (spec.mac() == null) {
            throw new ValidationException("neighbour.mac", null, "no value given, and " + verb + " needs one",
                    MacAddress.ACCEPTED_UNICAST + " (only delete may leave it out)");
        }
    }

    private void send(int type, int flags, NeighbourSpec spec, boolean absentOk) {
        MsgWriter w = begin(type, flags, spec);
        long h = w.reserve(Nd.NDMSG);
        w.setU8(h + Nd.NDM_FAMILY, spec.family());
        w.setU32(h + Nd.NDM_IFINDEX, spec.ifindex());
        w.setU16(h + Nd.NDM_STATE, spec.state());
        w.setU8(h + Nd.NDM_FLAGS, spec.flags());
        if (spec.address() != null) {
            enc.putAddress(w, Nd.NDA_DST, spec.address());
        }
        if (spec.mac() != null) {
            enc.putMac(w, Nd.NDA_LLADDR, spec.mac());
        }
        if (spec.vni() >= 0) {
            w.putU32(Nd.NDA_VNI, spec.vni());
        }
        if (spec.port() > 0) {
            w.putBe16(Nd.NDA_PORT, spec.port());
        }
        if (spec.via() > 0) {
            w.putU32(Nd.NDA_IFINDEX, spec.via());
        }
        if (absentOk) {
            batch.endAbsentOk();
        } else {
            batch.end();
        }
        commit();
    }
}
