package org.nlbridge.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.bindings.linux.nfgenmsg;

class NfTransactionTest {
    private static final int NFT = Uapi.NFNL_SUBSYS_NFTABLES() << 8;

    private final FakeKernel kernel = new FakeKernel(true);

    private static void addTable(NfTransaction tx, String name) {
        MsgWriter w = tx.begin(Uapi.NFT_MSG_NEWTABLE(), Uapi.NLM_F_CREATE(), Uapi.NFPROTO_INET(), "table inet " + name);
        w.putString(Uapi.NFTA_TABLE_NAME(), name);
        long hook = w.nestStart(Uapi.NFTA_CHAIN_HOOK());
        w.putBe32(Uapi.NFTA_HOOK_HOOKNUM(), Uapi.NF_INET_FORWARD());
        w.nestEnd(hook);
        tx.end();
    }

    private static MsgCursor parse(FakeKernel.Request r) {
        MsgCursor m = new MsgCursor().reset(MemorySegment.ofArray(r.bytes()), r.bytes().length);
        assertTrue(m.next());
        return m;
    }

    /** NFTA_TABLE_NAME, the first attribute {@link #addTable} writes. */
    private static String tableName(FakeKernel.Request r) {
        AttrCursor a = parse(r).attributes(new AttrCursor(), Wire.NFGENMSG_SIZE);
        assertTrue(a.next());
        return a.string();
    }

    @Test
    void requestsAreFramedInOneDatagram() {
        try (NfTransaction tx = new NfTransaction(kernel)) {
            addTable(tx, "a");
            addTable(tx, "b");
            BatchResult r = tx.commit();
            assertTrue(r.ok());
            assertEquals(2, r.succeeded());
        }
        assertEquals(1, kernel.sendSizes.size());
        List<FakeKernel.Request> sent = kernel.requests;
        assertEquals(4, sent.size());
        for (int i : new int[] {0, 3}) {
            FakeKernel.Request frame = sent.get(i);
            assertEquals(i == 0 ? Uapi.NFNL_MSG_BATCH_BEGIN() : Uapi.NFNL_MSG_BATCH_END(), frame.type());
            assertEquals(Uapi.NLM_F_REQUEST(), frame.flags());
            MsgCursor m = parse(frame);
            assertEquals(Wire.NFGENMSG_SIZE, m.payloadLength());
            assertEquals(LibC.AF_UNSPEC(), m.u8At((int) nfgenmsg.nfgen_family$offset()));
            assertEquals(Uapi.NFNETLINK_V0(), m.u8At((int) nfgenmsg.version$offset()));
            assertEquals(Uapi.NFNL_SUBSYS_NFTABLES(), m.be16At((int) nfgenmsg.res_id$offset()));
        }
        FakeKernel.Request table = sent.get(1);
        assertEquals(NFT | Uapi.NFT_MSG_NEWTABLE(), table.type());
        assertEquals(Uapi.NLM_F_REQUEST() | Uapi.NLM_F_ACK() | Uapi.NLM_F_CREATE(), table.flags());
        MsgCursor m = parse(table);
        assertEquals(Uapi.NFPROTO_INET(), m.u8At((int) nfgenmsg.nfgen_family$offset()));
        assertEquals(0, m.be16At((int) nfgenmsg.res_id$offset()));
        AttrCursor a = m.attributes(new AttrCursor(), Wire.NFGENMSG_SIZE);
        assertTrue(a.next());
        assertTrue(a.stringEquals("a"));
        assertTrue(a.next());
        assertTrue(a.nested(), "nftables nests carry NLA_F_NESTED");
        assertTrue(sent.get(0).seq() < table.seq() && table.seq() < sent.get(2).seq()
                && sent.get(2).seq() < sent.get(3).seq());
    }

    @Test
    void oneRefusalAbortsTheTransaction() {
        kernel.responder = r -> tableName(r).equals("b") ? new FakeKernel.Verdict(LibC.EINVAL(), "bad table", -1)
                : FakeKernel.Verdict.OK;
        try (NfTransaction tx = new NfTransaction(kernel)) {
            addTable(tx, "a");
            addTable(tx, "b");
            addTable(tx, "c");
            BatchResult r = tx.commit();
            assertEquals(0, r.succeeded());
            assertEquals(1, r.failures().size());
            assertEquals("NFT_MSG_NEWTABLE table inet b: EINVAL (Invalid argument): kernel says \"bad table\"",
                    r.failures().get(0).getMessage());
        }
    }

    @Test
    void transactionLevelFailureFailsEverything() {
        kernel.frameErrno = LibC.EPERM();
        try (NfTransaction tx = new NfTransaction(kernel)) {
            addTable(tx, "a");
            addTable(tx, "b");
            BatchResult r = tx.commit();
            assertEquals(0, r.succeeded());
            NetlinkException e = r.failures().get(0);
            assertInstanceOf(PermissionException.class, e);
            assertEquals("nftables transaction 2 requests: EPERM (Operation not permitted): nothing was applied",
                    e.getMessage());
            assertSame(e, assertThrows(PermissionException.class, r::throwIfFailed));
        }
        assertEquals(Uapi.NLMSG_NOOP(), kernel.requests.get(kernel.requests.size() - 1).type());
        assertTrue(kernel.queue.isEmpty());
    }

    /** A failed commit is reported against BATCH_BEGIN ahead of acks of 0 that mean nothing; all are drained. */
    @Test
    void failedCommitDrainsTheMeaninglessAcks() {
        kernel.commitErrno = LibC.ENOMEM();
        try (NfTransaction tx = new NfTransaction(kernel)) {
            addTable(tx, "a");
            addTable(tx, "b");
            BatchResult r = tx.commit();
            assertEquals(0, r.succeeded());
            assertEquals(List.of("nftables transaction 2 requests: ENOMEM (Cannot allocate memory): nothing was applied"),
                    r.failures().stream().map(Throwable::getMessage).toList());
            assertTrue(kernel.queue.isEmpty());
            kernel.commitErrno = 0;
            addTable(tx, "c");
            assertTrue(tx.commit().ok());
        }
    }

    @Test
    void lostAcksWithoutRefusalLeaveTheOutcomeUnknown() {
        kernel.queueLimit = 1;
        try (NfTransaction tx = new NfTransaction(kernel)) {
            addTable(tx, "a");
            addTable(tx, "b");
            addTable(tx, "c");
            BatchResult r = tx.commit();
            assertEquals(0, r.succeeded());
            assertEquals(2, r.unknown());
            assertTrue(kernel.queue.isEmpty());
        }
    }

    @Test
    void tooManyBytesIsRefusedBeforeSending() {
        kernel.sendLimit = 140;
        try (NfTransaction tx = new NfTransaction(kernel)) {
            addTable(tx, "a");
            addTable(tx, "b");
            TransactionTooLargeException e = assertThrows(TransactionTooLargeException.class,
                    () -> addTable(tx, "c"));
            assertTrue(e.getMessage().startsWith("nftables transaction of 3 requests needs at least 160 bytes"
                    + " (the last added: table inet c), more than the socket's send limit of 140 bytes"), e.getMessage());
            assertEquals(0, tx.size());
            assertEquals(0, tx.commit().requests());
            addTable(tx, "d");
            assertTrue(tx.commit().ok());
        }
        assertEquals(1, kernel.sendSizes.size());
    }

    /** As nft does: the send limit and the receive budget are raised for a large transaction, which stays one. */
    @Test
    void aLargeTransactionRaisesTheLimitsAndStaysOneDatagram() {
        kernel.sendLimit = 140;
        kernel.maxSendLimit = 1 << 20;
        kernel.receiveBudget = 2 * Batch.ACK_COST;
        kernel.maxReceiveBudget = 1 << 20;
        try (NfTransaction tx = new NfTransaction(kernel)) {
            for (int i = 0; i < 500; i++) addTable(tx, "t" + i);
            BatchResult r = tx.commit();
            assertTrue(r.ok(), r.toString());
            assertEquals(500, r.succeeded());
        }
        assertEquals(1, kernel.sendSizes.size(), "one transaction, one datagram");
        assertTrue(kernel.sendSizes.getFirst() > 140 && kernel.sendLimit >= kernel.sendSizes.getFirst());
        assertTrue(kernel.receiveBudget >= 500 * Batch.ACK_COST);
    }

    @Test
    void tooManyAcksIsRefusedBeforeSending() {
        kernel.receiveBudget = 2 * Batch.ACK_COST;
        try (NfTransaction tx = new NfTransaction(kernel)) {
            addTable(tx, "a");
            addTable(tx, "b");
            TransactionTooLargeException e = assertThrows(TransactionTooLargeException.class,
                    () -> addTable(tx, "c"));
            assertEquals("nftables transaction of 3 requests needs as many acks, more than the 2048-byte receive"
                    + " budget holds (2 at 1024 bytes each); it was discarded", e.getMessage());
        }
        assertTrue(kernel.sendSizes.isEmpty());
    }

    @Test
    void sendFailureAppliesNothing() {
        kernel.sendErrno = LibC.ENOMEM();
        try (NfTransaction tx = new NfTransaction(kernel)) {
            addTable(tx, "a");
            BatchResult r = tx.commit();
            assertEquals("nftables transaction 1 requests: ENOMEM (Cannot allocate memory): sendmsg failed, nothing"
                    + " was applied", r.failures().get(0).getMessage());
        }
    }

    @Test
    void emptyCommitSendsNothingAndCancelDropsARequest() {
        try (NfTransaction tx = new NfTransaction(kernel)) {
            tx.begin(Uapi.NFT_MSG_NEWTABLE(), 0, Uapi.NFPROTO_INET(), "x");
            tx.cancel();
            assertTrue(tx.commit().ok());
            assertTrue(kernel.sendSizes.isEmpty());
        }
    }

    @Test
    void aGenerationStampsBatchBeginOnly() {
        try (NfTransaction tx = new NfTransaction(kernel)) {
            tx.generation(0x01020304);
            addTable(tx, "a");
            assertTrue(tx.commit().ok());
            addTable(tx, "b"); // the stamp applies to one transaction
            assertTrue(tx.commit().ok());
        }
        FakeKernel.Request begin = kernel.requests.get(0);
        assertEquals(Uapi.NFNL_MSG_BATCH_BEGIN(), begin.type());
        AttrCursor a = parse(begin).attributes(new AttrCursor(), Wire.NFGENMSG_SIZE);
        assertTrue(a.next());
        assertEquals(Uapi.NFNL_BATCH_GENID(), a.type());
        assertEquals(0x01020304, a.be32());
        assertEquals(false, a.next());
        FakeKernel.Request end = kernel.requests.get(2);
        assertEquals(Uapi.NFNL_MSG_BATCH_END(), end.type());
        assertEquals(Wire.NLMSG_HDRLEN + Wire.NFGENMSG_SIZE, end.bytes().length);
        FakeKernel.Request secondBegin = kernel.requests.get(3);
        assertEquals(Uapi.NFNL_MSG_BATCH_BEGIN(), secondBegin.type());
        assertEquals(Wire.NLMSG_HDRLEN + Wire.NFGENMSG_SIZE, secondBegin.bytes().length, "unstamped");
    }

    @Test
    void aStaleGenerationFailsTheWholeTransactionWithErestart() {
        kernel.frameErrno = LibC.ERESTART();
        try (NfTransaction tx = new NfTransaction(kernel)) {
            tx.generation(7);
            addTable(tx, "a");
            BatchResult r = tx.commit();
            assertEquals(0, r.succeeded());
            assertEquals(LibC.ERESTART(), r.failures().get(0).errno());
        }
    }

    @Test
    void theGenerationIsSetBeforeTheFirstRequest() {
        try (NfTransaction tx = new NfTransaction(kernel)) {
            addTable(tx, "a");
            assertThrows(IllegalStateException.class, () -> tx.generation(1));
        }
    }
}
