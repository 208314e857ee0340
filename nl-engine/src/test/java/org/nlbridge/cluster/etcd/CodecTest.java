package org.nlbridge.cluster.etcd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gateway's JSON: what etcd 3.4 sends decodes, anything else is a MalformedReplyException, never an NPE. */
class CodecTest {

    private static com.fasterxml.jackson.databind.JsonNode json(String s) {
        return Codec.parse(s.getBytes(StandardCharsets.UTF_8), "test");
    }

    @Test
    void decodesWhatEtcdSends() {
        // verbatim from etcd 3.4.23: defaults omitted, 64-bit numbers as strings, base64 keys and values
        RangeResult r = Codec.rangeResult(json("""
                {"header":{"cluster_id":"2037210783374497686","member_id":"13195394291058371180","revision":"6","raft_term":"2"},
                 "kvs":[{"key":"YmF6","create_revision":"6","mod_revision":"6","version":"1","value":"MQ=="}],"count":"1"}"""), 0);
        assertEquals(List.of(new KeyValue("baz", "1", 6, 6, 1, 0)), r.kvs());
        assertEquals(6, r.revision());
        assertFalse(r.more());
        TxnResult t = Codec.txnResult(json("""
                {"header":{"revision":"6"},"responses":[{"response_range":{"header":{"revision":"6"},
                 "kvs":[{"key":"YmF6","create_revision":"6","mod_revision":"6","version":"1","value":"MQ=="}],"count":"1"}}]}"""));
        assertFalse(t.succeeded(), "succeeded is omitted when false");
        assertEquals("1", t.range(0).first().orElseThrow().value());
        TxnResult ok = Codec.txnResult(json("""
                {"header":{"revision":"7"},"succeeded":true,"responses":[{"response_put":{"header":{"revision":"7"}}},
                 {"response_delete_range":{"header":{"revision":"7"},"deleted":"2"}}]}"""));
        assertEquals(List.of(new TxnResult.PutResult(7), new TxnResult.DeleteResult(2)), ok.results());
        assertThrows(IllegalArgumentException.class, () -> ok.range(0));
    }

    @Test
    void malformedRepliesAreTyped() {
        for (String bad : List.of(
                "{\"header\":{\"revision\":\"six\"}}",
                "{\"header\":{\"revision\":1.5}}",
                "{\"header\":[]}",
                "{\"kvs\":\"x\"}",
                "{\"kvs\":[1]}",
                "{\"kvs\":[{\"key\":\"not base64!\"}]}",
                "{\"kvs\":[{\"key\":7}]}",
                "{\"kvs\":[{\"key\":\"YQ==\",\"version\":{}}]}",
                "{\"more\":\"yes\"}")) {
            MalformedReplyException e = assertThrows(MalformedReplyException.class, () -> Codec.rangeResult(json(bad), 0), bad);
            assertTrue(e.getMessage().contains("kvs") || e.getMessage().contains("field"), e.getMessage());
        }
        assertThrows(MalformedReplyException.class, () -> Codec.txnResult(json("{\"responses\":[{\"response_what\":{}}]}")));
        assertThrows(MalformedReplyException.class, () -> json("<html>502 Bad Gateway</html>"));
        assertThrows(MalformedReplyException.class, () -> json("[1,2]"));
        assertThrows(MalformedReplyException.class, () -> json(""));
    }

    @Test
    void gatewayErrorsAreTyped() {
        byte[] compacted = "{\"error\":\"etcdserver: mvcc: required revision has been compacted\",\"message\":\"etcdserver: mvcc: required revision has been compacted\",\"code\":11}"
                .getBytes(StandardCharsets.UTF_8);
        assertTrue(Transport.error("get", 400, compacted) instanceof CompactedException);
        EtcdException lease = Transport.error("put", 404, "{\"error\":\"etcdserver: requested lease not found\",\"code\":5}".getBytes(StandardCharsets.UTF_8));
        assertEquals(EtcdServerException.NOT_FOUND, ((EtcdServerException) lease).code());
        assertTrue(Transport.error("get", 502, "Bad Gateway".getBytes(StandardCharsets.UTF_8)) instanceof MalformedReplyException);
        assertTrue(Transport.error("get", 500, "{}".getBytes(StandardCharsets.UTF_8)) instanceof MalformedReplyException);
        EtcdException stream = assertThrows(EtcdException.class, () -> Transport.result("watch",
                json("{\"error\":{\"grpc_code\":14,\"http_code\":503,\"message\":\"etcdserver: no leader\"}}")));
        assertEquals(EtcdServerException.UNAVAILABLE, ((EtcdServerException) stream).code());
        assertThrows(MalformedReplyException.class, () -> Transport.result("watch", json("{\"other\":1}")));
    }

    @Test
    void prefixEndIsTheNextKeyAfterEveryKeyWithThePrefix() {
        assertArrayEquals("/a0".getBytes(StandardCharsets.US_ASCII), Codec.prefixEnd("/a/"));
        assertArrayEquals(new byte[]{'a', (byte) 0xc3, (byte) 0x81}, Codec.prefixEnd("a\u00c0")); // UTF-8 61 c3 80
        assertArrayEquals(new byte[]{0}, Codec.prefixEnd(""));
    }
}
