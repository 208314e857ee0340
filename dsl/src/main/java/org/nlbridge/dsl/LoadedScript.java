package org.nlbridge.dsl;

import java.util.function.Function;

import org.nlbridge.engine.ApplyException;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.DesiredState;

/**
 * A script that loaded: its desired state, and the line that declares each of its networks and containers, so that a
 * refusal only the engine can make (its checks against the kernel: an {@code eth0} in the container's namespace, a
 * bridge name held by a dummy link; or the kernel's own: {@code EEXIST}, {@code EBUSY} on a step) is reported at the
 * script's line like every check the script's own run makes.
 */
public final class LoadedScript {
    private final String file;
    private final DesiredState desired;
    private final Recorder recorder;

    LoadedScript(String file, DesiredState desired, Recorder recorder) {
        this.file = file;
        this.desired = desired;
        this.recorder = recorder;
    }

    public DesiredState desired() {
        return desired;
    }

    /**
     * Runs {@code use} (a plan, an apply, a destroy) on the desired state. What it throws about one network or
     * container the script declares (a {@link ValidationException} whose field names it, a failed request's
     * {@link ApplyException} whose first failure is its unit, either relayed by a daemon as its message alone)
     * becomes a {@link DslException} at the declaring line,
     * the message kept whole: {@code app.groovy:7: invalid container bad: netns "n1": interface eth0 already exists
     * in this namespace; expected ...}. Anything else passes as it is.
     */
    public <T> T run(Function<DesiredState, T> use) {
        try {
            return use.apply(desired);
        } catch (RuntimeException e) {
            // instanceof rather than catch clauses: a thin client (-H) never loads the engine's exception types
            int line = e instanceof ValidationException v ? recorder.lineOf(v)
                    : e instanceof ApplyException a ? recorder.lineOfUnit(a.failures().getFirst().unit())
                    // the same refusals relayed by a daemon (-H) arrive as their message only (the client's
                    // exception, which this package may not name: FrontEndPackagesTest)
                    : e.getMessage() != null ? recorder.lineOfMessage(e.getMessage()) : 0;
            if (line == 0) throw e;
            throw new DslException(file, line, e.getMessage(), e);
        }
    }
}
