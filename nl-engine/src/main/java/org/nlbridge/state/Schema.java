package org.nlbridge.state;

import java.util.List;
import java.util.Optional;

import org.nlbridge.net.Hostname;
import org.nlbridge.spec.NetworkMode;

/**
 * The schema's versions, kept in {@code PRAGMA user_version}. Each table class owns its DDL next to its queries;
 * this class only orders the steps. Step i takes the file from version i to i + 1 inside the opening write
 * transaction, so a future change appends a step and never edits an old one, and a state directory written by any
 * earlier release is upgraded in place when it is opened.
 *
 * <ol>
 *   <li>networks, endpoints, port bindings, meta (the first release).</li>
 *   <li>the network's driver; containers and user-hook rules as tables of their own. Version 1 kept them in
 *       {@code meta}: {@code container.NAME} = {@code NETNS\tHOSTNAME} (NETNS {@code -} for host mode,
 *       {@code container:OTHER} for that mode), {@code netns.created.NETNS} = {@code 1},
 *       {@code userrule.RULE} = {@code inserted}. Those rows move into the new tables.</li>
 *   <li>an endpoint's anti-spoofing switch ({@code endpoints.spoof_check}, 1 for every endpoint before it).</li>
 *   <li>a container on several networks: an endpoint's aliases and whether it carries the default route (every
 *       endpoint before did: one per container), one interface name per container; a container's labels.</li>
 *   <li>the networks' gateway modes ({@code nat} for every older network); the containers' DNS settings, for name
 *       resolution ({@link NameTable}).</li>
 *   <li>the address pools of runtimes with an IPAM protocol of their own (Docker's {@code --ipam-driver nlbridge}).</li>
 * </ol>
 */
final class Schema {

    /** One step, run in the migration's write transaction. */
    @FunctionalInterface
    interface Step {
        void apply(Tx tx);
    }

    static final List<Step> STEPS = List.of(
            tx -> ddl(tx, NetworkTable.DDL, EndpointTable.DDL, PortTable.DDL, MetaTable.DDL),
            Schema::version2,
            tx -> ddl(tx, EndpointTable.DDL_V3),
            tx -> ddl(tx, EndpointTable.DDL_V4, ContainerTable.DDL_V4),
            tx -> ddl(tx, NetworkTable.DDL_V5, NameTable.DDL),
            tx -> ddl(tx, PoolTable.DDL));

    /** The version this code reads and writes. */
    static final int VERSION = STEPS.size();

    private static final String V1_CONTAINER = "container.";
    private static final String V1_CREATED_NETNS = "netns.created.";
    private static final String V1_USER_RULE = "userrule.";

    private Schema() {}

    @SafeVarargs
    private static void ddl(Tx tx, List<String>... statements) {
        for (List<String> list : statements) list.forEach(tx::update);
    }

    private static void version2(Tx tx) {
        ddl(tx, NetworkTable.DDL_V2, ContainerTable.DDL, UserRuleTable.DDL);
        MetaTable meta = tx.meta();
        for (String key : meta.keys(V1_CONTAINER)) {
            String name = key.substring(V1_CONTAINER.length());
            ContainerRecord c = v1Container(tx, name, meta.get(key).orElseThrow());
            // the columns of version 2 (ContainerTable writes those of the newest version)
            tx.update("INSERT INTO containers (name, mode, hostname, netns, created_netns) VALUES (?, ?, ?, ?, ?)",
                    c.name(), c.mode().toString(), c.hostname().toString(), c.netns(), c.createdNetns());
            meta.remove(key);
        }
        meta.keys(V1_CREATED_NETNS).forEach(meta::remove);
        for (String key : meta.keys(V1_USER_RULE)) {
            tx.userRules().add(key.substring(V1_USER_RULE.length()));
            meta.remove(key);
        }
    }

    /**
     * A version-1 container record. Version 1 did not store the mode of a container with a namespace of its own:
     * it was on a bridge network if it has an endpoint (on that network), else {@code none}, which is also how its
     * status read it. The next apply rewrites the record from the script in any case.
     */
    private static ContainerRecord v1Container(Tx tx, String name, String value) {
        String[] parts = value.split("\t", 2);
        String netns = parts[0];
        Hostname hostname = Hostname.parse("meta " + V1_CONTAINER + name, parts.length > 1 ? parts[1] : name);
        if (netns.equals("-")) return new ContainerRecord(name, new NetworkMode.Host(), hostname, null, false);
        if (netns.startsWith("container:")) {
            return new ContainerRecord(name, NetworkMode.parse("meta " + V1_CONTAINER + name, netns), hostname, null,
                    false);
        }
        // the endpoints table as it is at this step (EndpointTable reads the columns of the latest version)
        Optional<String> network = tx.queryOne("SELECT network FROM endpoints WHERE container = ? ORDER BY network LIMIT 1",
                rs -> rs.getString(1), name);
        NetworkMode mode = network.<NetworkMode>map(NetworkMode.Bridge::new).orElse(new NetworkMode.None());
        boolean created = tx.meta().get(V1_CREATED_NETNS + netns).isPresent();
        return new ContainerRecord(name, mode, hostname, netns, created);
    }
}
