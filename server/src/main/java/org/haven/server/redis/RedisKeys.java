package org.haven.server.redis;

import java.util.Objects;
import org.haven.server.presence.UserRef;

/**
 * Names of Haven's Redis keys, all under one namespace (default {@code haven}), so several
 * deployments or test runs can share a Redis without meeting.
 *
 * <p>Every key of one user carries the hash tag {@code {org:user}}: a user's keys share a Redis
 * Cluster slot, so one Lua script may change them atomically, while different users spread evenly
 * over the slots. Keys of an organisation carry {@code {org}}. Ids are escaped ({@code %}, {@code :},
 * <code>{</code>, <code>}</code> become {@code %25}, {@code %3A}, {@code %7B}, {@code %7D}), so
 * no id can end a hash tag early or pass for another pair of ids. Immutable.
 */
public final class RedisKeys {

    private final String namespace;

    /** Keys under {@code namespace}, which must be non-empty and free of braces. */
    public RedisKeys(String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        if (namespace.isEmpty() || namespace.indexOf('{') >= 0 || namespace.indexOf('}') >= 0) {
            throw new IllegalArgumentException("namespace: '" + namespace + "' (expected: non-empty, no braces)");
        }
        this.namespace = namespace;
    }

    /** The namespace {@code haven}. */
    public static RedisKeys defaults() {
        return new RedisKeys("haven");
    }

    /** A key of {@code user}: {@code ns:{org:user}:kind}. */
    String user(UserRef user, String kind) {
        return namespace + ":{" + escape(user.org()) + ":" + escape(user.user()) + "}:" + kind;
    }

    /** A key of {@code user} about one of their things (a device): {@code ns:{org:user}:kind:id}. */
    String user(UserRef user, String kind, String id) {
        return user(user, kind) + ":" + escape(id);
    }

    /** A key of organisation {@code org}: {@code ns:{org}:kind}. */
    String org(String org, String kind) {
        return namespace + ":{" + escape(org) + "}:" + kind;
    }

    /** A key of organisation {@code org} about one of its things (a user): {@code ns:{org}:kind:id}. */
    String org(String org, String kind, String id) {
        return org(org, kind) + ":" + escape(id);
    }

    /**
     * A {@code SCAN} pattern for the keys of every organisation whose kind starts with {@code
     * kindPrefix}: {@code ns:{*}:kindPrefix*} (the namespace and prefix taken literally).
     */
    String everyOrg(String kindPrefix) {
        return literal(namespace) + ":{*}:" + literal(kindPrefix) + "*";
    }

    /** {@code text} as a glob pattern that matches only itself. */
    private static String literal(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** A key of a shared thing with its own slot: {@code ns:{tag}:kind}. */
    String tagged(String tag, String kind) {
        return namespace + ":{" + escape(tag) + "}:" + kind;
    }

    /** {@code id} made safe for a key or a member that is split at {@code :}. */
    static String escape(String id) {
        StringBuilder out = null;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            String replacement = switch (c) {
                case '%' -> "%25";
                case ':' -> "%3A";
                case '{' -> "%7B";
                case '}' -> "%7D";
                default -> null;
            };
            if (replacement != null && out == null) {
                out = new StringBuilder(id.length() + 8).append(id, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? id : out.toString();
    }

    /** The inverse of {@link #escape}. */
    static String unescape(String escaped) {
        if (escaped.indexOf('%') < 0) {
            return escaped;
        }
        return escaped.replace("%3A", ":")
                .replace("%7B", "{")
                .replace("%7D", "}")
                .replace("%25", "%");
    }
}
