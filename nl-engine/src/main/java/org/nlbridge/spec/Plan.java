package org.nlbridge.spec;

import java.util.List;

/** The changes that would converge the kernel and the state store to a {@link DesiredState}, in apply order. */
public record Plan(List<Change> changes) {

    public Plan {
        changes = List.copyOf(changes);
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** One change per line, as {@code nlbridge plan} prints them. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Change c : changes) sb.append(c).append('\n');
        return sb.toString();
    }
}
