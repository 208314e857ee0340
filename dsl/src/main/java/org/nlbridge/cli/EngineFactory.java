package org.nlbridge.cli;

import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineOptions;

/** Opens the engine the commands work with; tests hand the command line a fake one. */
@FunctionalInterface
public interface EngineFactory {

    Engine open(EngineOptions options);

    /** The bridge engine of {@code nl-engine}. */
    EngineFactory BRIDGE = Engine::open;
}
