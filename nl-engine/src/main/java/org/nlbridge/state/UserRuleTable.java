package org.nlbridge.state;

import java.util.List;

/**
 * The {@code user_rules} table (schema version 2): the user-hook rules the engine has inserted once, by their text
 * ({@code allow only from 8.8.8.8/32 on uplink0}). The hook is the user's: a rule is inserted when a script first
 * asks for it and never again, so one the user deleted stays deleted. Version 1 kept them in {@code meta}.
 */
public final class UserRuleTable {

    static final List<String> DDL = List.of("CREATE TABLE user_rules (rule TEXT PRIMARY KEY) STRICT");

    private final Tx tx;

    UserRuleTable(Tx tx) {
        this.tx = tx;
    }

    public boolean inserted(String rule) {
        return tx.queryOne("SELECT rule FROM user_rules WHERE rule = ?", rs -> rs.getString(1), rule).isPresent();
    }

    /** Records that the rule was inserted. */
    public void add(String rule) {
        tx.update("INSERT INTO user_rules (rule) VALUES (?) ON CONFLICT (rule) DO NOTHING", rule);
    }

    /** Every inserted rule, in text order. */
    public List<String> all() {
        return tx.query("SELECT rule FROM user_rules ORDER BY rule", rs -> rs.getString(1));
    }
}
