package org.nlbridge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.net.Rejection.assertMessage;
import static org.nlbridge.net.Rejection.assertRejected;

import org.junit.jupiter.api.Test;

/** DnsName: container names and aliases the embedded name server answers for. */
class DnsNameTest {

    private static final String ACCEPTED = "a name like db, web_1 or db.backend (labels of 1..63 letters, digits, '-'"
            + " or '_' separated by '.', 253 bytes in all)";

    private static void rejects(String text, String reason) {
        assertRejected("alias", text, reason, ACCEPTED, () -> DnsName.parse("alias", text));
    }

    @Test
    void acceptsDockerContainerNamesAndAliases() {
        for (String s : new String[] {"db", "web_1", "Web-1", "db.backend", "a", "x".repeat(63), "1", "a-", "_x"}) {
            assertEquals(s, DnsName.parse("alias", s).toString());
        }
        assertEquals("db.backend", DnsName.parse("alias", "db.backend.").toString(), "one final dot is dropped");
        String longest = ("a".repeat(63) + ".").repeat(3) + "a".repeat(61);
        assertEquals(253, DnsName.parse("alias", longest).toString().length());
    }

    @Test
    void comparesWithoutCaseButKeepsIt() {
        DnsName a = DnsName.parse("alias", "Web.Backend");
        DnsName b = DnsName.parse("alias", "web.backend");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals("web.backend", a.key());
        assertEquals("Web.Backend", a.toString());
        assertNotEquals(a, DnsName.parse("alias", "web"));
        assertTrue(DnsName.parse("alias", "web").isSingleLabel());
        assertFalse(a.isSingleLabel());
    }

    @Test
    void refusesWhatIsNoName() {
        rejects("", "empty");
        rejects(".", "the root \".\" names no container");
        rejects(".db", "starts with '.'");
        rejects("a..b", "empty label (\"..\")");
        rejects("a.b..", "empty label (\"..\")");
        rejects("db/x", "character '/' not allowed (a label holds letters, digits, '-' and '_')");
        rejects("x".repeat(64), "label of 64 bytes, above the limit of 63");
        ValidationException tooLong = org.junit.jupiter.api.Assertions.assertThrows(ValidationException.class,
                () -> DnsName.parse("alias", ("a".repeat(63) + ".").repeat(3) + "a".repeat(63)));
        assertEquals("255 bytes, above the limit of 253", tooLong.reason());
        assertMessage("invalid alias \"db\\nevil\": forbidden character '\\n' (it could inject text into resolv.conf or"
                + " /etc/hosts); expected " + ACCEPTED, () -> DnsName.parse("alias", "db\nevil"));
        assertMessage("invalid alias: no value given; expected " + ACCEPTED, () -> DnsName.parse("alias", null));
        assertFalse(DnsName.isValid("a b"));
        assertTrue(DnsName.isValid("a_b"));
    }
}
