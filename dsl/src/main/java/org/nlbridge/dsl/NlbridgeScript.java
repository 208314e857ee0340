package org.nlbridge.dsl;

import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
import groovy.lang.Script;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.NetworkSpec;

/**
 * The base class of every nlbridge script: the top-level keys {@code network}, {@code container} and
 * {@code userRules}. A script only records specs here; nothing touches the kernel until it has returned and its
 * whole desired state has been checked.
 */
public abstract class NlbridgeScript extends Script {

    private Recorder recorder;

    final void recorder(Recorder recorder) {
        this.recorder = recorder;
    }

    private Recorder recorder() {
        if (recorder == null) throw new IllegalStateException("run nlbridge scripts through ScriptLoader");
        return recorder;
    }

    /** A bridge network with every default (Docker's {@code docker0}, {@code 172.17.0.1/16}). */
    public void network(String name) {
        network(name, null);
    }

    /** A bridge network: {@code network('bridge') { bridge 'docker0'; bip '172.17.42.1/16' }}. */
    public void network(String name,
                        @DelegatesTo(value = NetworkBlock.class, strategy = Closure.DELEGATE_ONLY) Closure<?> body) {
        Recorder r = recorder();
        int line = r.callerLine();
        NetworkBlock block = new NetworkBlock(name);
        Blocks.call(body, block);
        NetworkSpec spec = block.build();
        r.network(spec, line);
    }

    /** A container with every default (on network {@code bridge}, namespace and host name = its name). */
    public void container(String name) {
        container(name, null);
    }

    /** A container: {@code container('web') { network 'bridge'; publish '8080:80' }}. */
    public void container(String name,
                          @DelegatesTo(value = ContainerBlock.class, strategy = Closure.DELEGATE_ONLY) Closure<?> body) {
        Recorder r = recorder();
        int line = r.callerLine();
        ContainerBlock block = new ContainerBlock(name);
        Blocks.call(body, block);
        ContainerSpec spec = block.build();
        r.container(spec, line);
    }

    /** Rules for the user hook (Docker's {@code DOCKER-USER}); several blocks add up. */
    public void userRules(@DelegatesTo(value = UserRulesBlock.class, strategy = Closure.DELEGATE_ONLY) Closure<?> body) {
        Recorder r = recorder();
        Blocks.call(body, new UserRulesBlock(r.userRules(r.callerLine())));
    }
}
