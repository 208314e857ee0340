package org.nlbridge.cni;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the CNI verbs need from whoever owns the engine (the daemon). A {@link org.nlbridge.net.ValidationException}
 * thrown here reaches the runtime as CNI error 7 with its message; any other failure as error 100.
 */
public interface CniBackend {

    /**
     * ADD: creates the network on first use, or checks that the existing one matches on the keys the config gives
     * (a mismatch names the key); then attaches the container, all or nothing. An attachment of the same key in the
     * same namespace is answered as it is (a runtime retrying an ADD it saw no answer to).
     */
    Attachment add(AttachRequest request);

    /** DEL: removes the attachment if there is one; idempotent, best effort, needs no namespace. */
    void delete(String network, String containerId, String ifname);

    /** The attachment of that key on that network, if there is one. */
    Optional<Attachment> find(String network, String containerId, String ifname);

    /** CHECK: what is missing or wrong in the kernel (interface, address, route, port mapping); empty when all is well. */
    List<String> check(Attachment attachment);

    /** GC: removes every attachment of {@code network} not in {@code valid}, continuing past errors; returns them. */
    List<String> gc(String network, Set<CniConfig.AttachmentKey> valid);

    /** STATUS: throws if an ADD on {@code network} could not be served now. */
    void ready(String network);
}
