package org.nlbridge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class MacAddressPropertyTest {

    @Property
    void randomMacsAreLocallyAdministeredUnicast(@ForAll long seed) {
        MacAddress m = MacAddress.random(new SplittableRandom(seed));
        assertTrue(m.isUnicast());
        assertTrue(m.isLocallyAdministered());
        assertFalse(m.isZero());
        assertEquals(m, MacAddress.parseUnicast("mac", m.toString()));
    }

    @Property
    void everyMacRoundTrips(@ForAll @LongRange(min = 0, max = 0xFFFF_FFFF_FFFFL) long bits) {
        MacAddress m = MacAddress.of(bits);
        assertEquals(m, MacAddress.parse("mac", m.toString()));
        assertEquals(m, MacAddress.parse("mac", m.toString().toUpperCase()));
        assertEquals(m, MacAddress.of(m.bytes()));
    }
}
