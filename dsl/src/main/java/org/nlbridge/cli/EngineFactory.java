package org.nlbridge.cli;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import org.nlbridge.driver.Engine;
import org.nlbridge.driver.EngineOptions;

/** Opens the engine the commands work with; tests hand the command line a fake one. */
@FunctionalInterface
public interface EngineFactory {

    Engine open(EngineOptions options);

    /**
     * The bridge engine of {@code nl-engine}, {@code Engine.open(EngineOptions)}. Looked up at run time so that this
     * module builds before that method exists; once it does, this can become a plain method reference.
     */
    EngineFactory BRIDGE = options -> {
        MethodHandle open;
        try {
            open = MethodHandles.publicLookup().findStatic(Engine.class, "open",
                    MethodType.methodType(Engine.class, EngineOptions.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new CliException("this build of nlbridge has no bridge engine yet (Engine.open(EngineOptions) is"
                    + " missing); 'nlbridge check FILE' checks a script without it");
        }
        try {
            return (Engine) open.invoke(options);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    };
}
