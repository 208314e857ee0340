package org.nlbridge.testing;

import java.util.Arrays;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test a fresh {@link Sandbox} parameter and removes it afterwards whatever happened. Tests taking one
 * are skipped, with the reason, when not run as root or when {@code ip} is missing; the class's other tests run.
 */
public final class SandboxExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SandboxExtension.class);

    /** Only a test that takes a sandbox needs root and {@code ip}; the pure ones of the class run anywhere. */
    @Override
    public void beforeEach(ExtensionContext context) {
        if (!Arrays.asList(context.getRequiredTestMethod().getParameterTypes()).contains(Sandbox.class)) return;
        Assumptions.assumeTrue(Host.isRoot(), "needs root to create network namespaces (run as root: sudo ./run-tests)");
        Assumptions.assumeTrue(Host.has("ip"), "needs iproute2's ip as the test oracle");
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == Sandbox.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return e.getStore(NS).getOrComputeIfAbsent("sandbox", k -> new Sandbox(), Sandbox.class);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Sandbox s = context.getStore(NS).remove("sandbox", Sandbox.class);
        if (s != null) s.cleanup();
    }
}
