package org.nlbridge.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layers of DESIGN.md, one way, checked on the main classes of every module (this module's classpath has them
 * all): bindings, then net/netlink, netns, rtnl/nft/monitor, the specs and the state store, the services the drivers
 * use (the DNS server, the cluster store), the drivers, the engine, and the front ends (DSL, CLI, daemon, client API)
 * on top; the benchmarks are not checked. No package cycle anywhere; {@code java.sql} only in the state store;
 * the generated bindings only under the hand-written layers that speak to the kernel.
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.nlbridge");

    private static final String[] FRONT_ENDS = {"org.nlbridge.dsl..", "org.nlbridge.cli..", "org.nlbridge.daemon..",
            "org.nlbridge.client..", "org.nlbridge.dockerplugin.."};

    @Test
    void everyModuleIsImported() {
        for (String c : new String[] {"org.nlbridge.bindings.sys.Sys", "org.nlbridge.engine.Engine",
                "org.nlbridge.cli.Main", "org.nlbridge.daemon.Daemon"}) {
            if (!MAIN.contain(c)) throw new AssertionError(c + " is not on the classpath: the rules would check nothing");
        }
    }

    @Test
    void layersPointDownOnly() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Bindings").definedBy("org.nlbridge.bindings..")
                .layer("Values").definedBy("org.nlbridge.net..", "org.nlbridge.os")
                .layer("Netlink").definedBy("org.nlbridge.netlink")
                .layer("Netns").definedBy("org.nlbridge.netns")
                .layer("Kernel").definedBy("org.nlbridge.rtnl", "org.nlbridge.nft", "org.nlbridge.monitor")
                .layer("Specs").definedBy("org.nlbridge.spec")
                .layer("State").definedBy("org.nlbridge.state")
                .layer("Services").definedBy("org.nlbridge.resolver..", "org.nlbridge.cluster..")
                .layer("Drivers").definedBy("org.nlbridge.driver..")
                .layer("Engine").definedBy("org.nlbridge.engine")
                .layer("FrontEnds").definedBy(FRONT_ENDS)
                .whereLayer("FrontEnds").mayNotBeAccessedByAnyLayer()
                .whereLayer("Engine").mayOnlyBeAccessedByLayers("FrontEnds")
                .whereLayer("Drivers").mayOnlyBeAccessedByLayers("Engine", "FrontEnds")
                .whereLayer("Services").mayOnlyBeAccessedByLayers("Drivers", "Engine", "FrontEnds")
                .whereLayer("State").mayOnlyBeAccessedByLayers("Drivers", "Engine")
                .whereLayer("Specs").mayOnlyBeAccessedByLayers("State", "Drivers", "Engine", "FrontEnds")
                .whereLayer("Kernel").mayOnlyBeAccessedByLayers("Drivers", "Engine", "FrontEnds")
                .whereLayer("Netns").mayOnlyBeAccessedByLayers("Kernel", "Specs", "Services", "Drivers", "Engine", "FrontEnds")
                .whereLayer("Netlink").mayOnlyBeAccessedByLayers("Netns", "Kernel", "Drivers", "Engine", "FrontEnds")
                .whereLayer("Bindings").mayOnlyBeAccessedByLayers("Netlink", "Netns", "Kernel")
                .check(MAIN);
    }

    @Test
    void noPackageCycles() {
        slices().matching("org.nlbridge.(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void onlyTheStateStoreSpeaksSql() {
        noClasses().that().resideOutsideOfPackage("org.nlbridge.state")
                .should().dependOnClassesThat().resideInAPackage("java.sql..").check(MAIN);
    }

    /**
     * jextract's output is used by the layers that talk to the kernel: the hand-written bindings, netlink, the
     * namespaces (syscall flags), rtnl, nft and the monitor (its multicast groups); above them, typed code only.
     */
    @Test
    void generatedBindingsStayLow() {
        noClasses().that().resideOutsideOfPackages("org.nlbridge.bindings..", "org.nlbridge.netlink",
                        "org.nlbridge.netns", "org.nlbridge.rtnl", "org.nlbridge.nft", "org.nlbridge.monitor")
                .should().dependOnClassesThat().resideInAnyPackage("org.nlbridge.bindings.linux..",
                        "org.nlbridge.bindings.libc..").check(MAIN);
    }
}
