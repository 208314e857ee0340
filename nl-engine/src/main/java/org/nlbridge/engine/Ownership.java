package org.nlbridge.engine;

import java.util.Map;
import java.util.Set;

/**
 * What an engine owns in its host namespace, so that a monitor can tell the engine's objects from everyone else's
 * without opening the state store or knowing the drivers' naming rules.
 *
 * @param links       the links the engine made or uses, by name, with what each one is for (bridges, host-side veths)
 * @param bridges     the bridges of its networks (a subset of {@code links}' names)
 * @param aliasPrefix the {@code IFLA_IFALIAS} prefix every link the engine creates carries
 * @param tables      the names of the nf_tables tables the engine owns (in every family it uses); never the user hook
 * @param watched     other owners' tables, as {@code family name} (iptables-nft's {@code ip filter}), whose changes
 *                    can undo what the engine's networks need (a FORWARD policy drop): watched, never owned
 */
public record Ownership(Map<String, String> links, Set<String> bridges, String aliasPrefix, Set<String> tables,
                        Set<String> watched) {

    public static final Ownership NONE = new Ownership(Map.of(), Set.of(), "nlbridge:", Set.of(), Set.of());

    public Ownership {
        links = Map.copyOf(links);
        bridges = Set.copyOf(bridges);
        tables = Set.copyOf(tables);
        watched = Set.copyOf(watched);
    }

    /** A link is ours when the store names it, or when it carries our alias (a link a crash left behind). */
    public boolean ownsLink(String name, String alias) {
        return links.containsKey(name) || (alias != null && alias.startsWith(aliasPrefix));
    }

    public boolean ownsTable(String name) {
        return tables.contains(name);
    }

    /** Whether a change to this table of another owner ({@code family}, {@code name}) must be checked. */
    public boolean watchesTable(String family, String name) {
        return watched.contains(family + " " + name);
    }
}
