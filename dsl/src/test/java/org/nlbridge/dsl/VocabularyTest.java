package org.nlbridge.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The vocabulary table, which errors and the README use, is exactly the blocks' public methods. */
class VocabularyTest {

    @Test
    void everyPublicMethodOfEveryBlockIsAKeyAndBack() {
        for (Vocabulary.Block b : Vocabulary.BLOCKS) {
            Set<String> methods = Arrays.stream(b.type().getDeclaredMethods())
                    .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
                    .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(methods, new TreeSet<>(b.keys().keySet()), b.name());
        }
    }

    @Test
    void everyExampleRunsInsideItsBlock() {
        StringBuilder script = new StringBuilder();
        Vocabulary.TOP.keys().values().forEach(k -> script.append(k.example()).append('\n'));
        script.append("network('n2') {\n");
        // internal excluded: an internal network routes nothing, which the gatewayMode 'routed' example asks for
        Vocabulary.NETWORK.keys().values().stream().filter(k -> !k.example().startsWith("useBridge")
                        && !k.example().startsWith("internal"))
                .forEach(k -> script.append(k.example()).append('\n'));
        // c2 on n2, which the examples give IPv6 (for c2's ip6); not internal, so that c2 may publish
        script.append("}\nnetwork('n3') { useBridge 'bridge0' }\nnetwork('backend') { bridge 'back0'; bip '172.18.0.1/16' }\n");
        script.append("container('c2') {\nnetwork 'n2'\n");
        Vocabulary.CONTAINER.keys().values().stream().filter(k -> !k.example().startsWith("network")
                        && !k.example().startsWith("ip ") && !k.example().startsWith("netns") && !k.example().startsWith("mac"))
                .forEach(k -> script.append(k.example()).append('\n'));
        script.append("dns {\n");
        Vocabulary.DNS.keys().values().forEach(k -> script.append(k.example()).append('\n'));
        script.append("}\n}\nuserRules {\n");
        Vocabulary.USER_RULES.keys().values().forEach(k -> script.append(k.example()).append('\n'));
        script.append("}\n");
        // the top-level example takes Docker's default subnet, the network block's examples one inside it: apart
        assertEquals(2, Scripts.eval(script.toString().replace("'docker0'\n", "'docker1'\n")
                .replace("network('bridge') { bridge 'docker0' }", "network('bridge') { bridge 'docker0'; bip '172.19.0.1/16' }")
                .replace("internal true\n", "internal false\n")).containers().size());
    }

    @Test
    void suggestionsAreCloseKeysOnly() {
        assertEquals("mtu", Vocabulary.suggest(Vocabulary.NETWORK, "mtuu"));
        assertEquals("ipMasq", Vocabulary.suggest(Vocabulary.NETWORK, "ipmasq"));
        assertEquals("fixedCidr", Vocabulary.suggest(Vocabulary.NETWORK, "fixedCdir"));
        assertEquals("hostname", Vocabulary.suggest(Vocabulary.CONTAINER, "hostnmae"));
        assertNotNull(Vocabulary.suggest(Vocabulary.TOP, "netwrok"));
        assertNull(Vocabulary.suggest(Vocabulary.NETWORK, "gateway"));
        assertNull(Vocabulary.suggest(Vocabulary.NETWORK, "x"));
    }
}
