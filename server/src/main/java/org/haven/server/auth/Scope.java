package org.haven.server.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a service credential may do through the server API, as its {@code scope} claim names it
 * (space-separated, OAuth style): {@code care:read care:write users:write alerts:read alerts:write
 * sessions:read sessions:write audit:read}. Each API endpoint needs one.
 */
public enum Scope {
    CARE_READ,
    CARE_WRITE,
    USERS_WRITE,
    ALERTS_READ,
    ALERTS_WRITE,
    SESSIONS_READ,
    SESSIONS_WRITE,
    AUDIT_READ;

    /** The scope as written in tokens: {@code care:read}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', ':');
    }

    /** The scope of a wire name, or {@code null} when there is none. */
    public static @Nullable Scope fromWire(String wire) {
        for (Scope scope : values()) {
            if (scope.wire().equals(wire)) {
                return scope;
            }
        }
        return null;
    }

    /**
     * The scopes a {@code scope} claim names. Names this server does not know are left out, not
     * refused: a token minted for a newer server's endpoints still works for the ones this one has.
     */
    public static Set<Scope> parse(String claim) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String name : claim.trim().split("\\s+", -1)) {
            Scope scope = fromWire(name);
            if (scope != null) {
                scopes.add(scope);
            }
        }
        return scopes;
    }
}
