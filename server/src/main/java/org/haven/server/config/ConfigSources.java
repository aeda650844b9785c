package org.haven.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a node's configuration comes from: the defaults, then an optional YAML file, then
 * {@code HAVEN_*} environment variables over both. The file's keys are the variables' names without
 * {@code HAVEN_} in lower case ({@code port: 8080}); nested maps join their keys with {@code _}
 * ({@code jwt: {secret: ...}} is {@code jwt_secret}) and lists are comma-separated values. A key the
 * file should not have is refused, so a misspelt setting never passes silently.
 */
public final class ConfigSources {

    /** The environment variable that names the configuration file when {@code --config} is not given. */
    public static final String CONFIG_VARIABLE = "HAVEN_CONFIG";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<String, String> values;
    private final Map<String, String> fromFile;
    private final @Nullable Path file;

    private ConfigSources(Map<String, String> values, Map<String, String> fromFile, @Nullable Path file) {
        this.values = Map.copyOf(values);
        this.fromFile = Map.copyOf(fromFile);
        this.file = file;
    }

    /**
     * Reads {@code file} (or the file {@code HAVEN_CONFIG} names; none when both are null) and lays
     * the environment over it. Fails with a message naming the file and key when the file cannot
     * be read or holds an unknown key.
     */
    public static ConfigSources load(Map<String, String> env, @Nullable Path file) {
        Path chosen = file != null
                ? file
                : env.get(CONFIG_VARIABLE) != null && !env.get(CONFIG_VARIABLE).isBlank()
                        ? Path.of(env.get(CONFIG_VARIABLE))
                        : null;
        Map<String, String> fromFile = chosen == null ? Map.of() : readFile(chosen);
        Map<String, String> values = new HashMap<>(fromFile);
        env.forEach((name, value) -> {
            if ((name.startsWith(Settings.PREFIX) || name.equals(ServerConfig.REDIS_URL_ALIAS))
                    && value != null
                    && !value.isBlank()) {
                values.put(name, value);
            }
        });
        return new ConfigSources(values, fromFile, chosen);
    }

    /** The validated configuration; a bad setting fails with its variable's name and where it was set. */
    public ServerConfig config() {
        try {
            return ServerConfig.from(values, this::where);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            if (message == null) {
                throw e;
            }
            int colon = message.indexOf(':');
            String name = colon > 0 ? message.substring(0, colon) : "";
            if (fromFile.containsKey(name) && !message.startsWith(where(name))) {
                throw new IllegalArgumentException(where(name) + message.substring(colon), e);
            }
            throw e;
        }
    }

    /** Where the value of {@code env} comes from: the variable, the file's key, or the default. */
    public String origin(String env) {
        if (env.equals(ServerConfig.REDIS_URL_SETTING)
                && !values.containsKey(env)
                && values.containsKey(ServerConfig.REDIS_URL_ALIAS)) {
            return "environment (" + ServerConfig.REDIS_URL_ALIAS + ")";
        }
        if (values.containsKey(env) && !values.get(env).equals(fromFile.get(env))) {
            return "environment";
        }
        return fromFile.containsKey(env)
                ? Objects.requireNonNull(file, "settings read from a file have a file")
                        .toString()
                : "default";
    }

    private String where(String env) {
        Settings.Setting setting = Settings.byEnv(env);
        return setting != null && fromFile.containsKey(env) && !"environment".equals(origin(env))
                ? env + " (" + setting.yamlKey() + " in " + file + ")"
                : env;
    }

    /**
     * The effective configuration as YAML that could be read back: every setting with its value
     * (secrets masked) and where it came from.
     */
    public String print(ServerConfig config) {
        StringBuilder out = new StringBuilder("# Haven: effective configuration (secrets masked)\n");
        int width = 0;
        for (Settings.Setting s : Settings.all()) {
            width = Math.max(
                    width, s.yamlKey().length() + quoted(s.shown(config)).length() + 2);
        }
        for (Settings.Setting s : Settings.all()) {
            String line = s.yamlKey() + ": " + quoted(s.shown(config));
            out.append(line)
                    .append(" ".repeat(width - line.length() + 2))
                    .append("# ")
                    .append(origin(s.env()))
                    .append('\n');
        }
        return out.toString();
    }

    private static String quoted(String value) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                q.append('\\');
            }
            q.append(c);
        }
        return q.append('"').toString();
    }

    private static Map<String, String> readFile(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such configuration file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not readable YAML (" + firstLine(e.getMessage()) + ")", e);
        }
        Map<String, String> values = new HashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return values;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a map of settings at the top");
        }
        flatten(file, "", root, values);
        return values;
    }

    private static void flatten(Path file, String prefix, JsonNode node, Map<String, String> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = prefix + field.getKey().toLowerCase(Locale.ROOT).replace('-', '_');
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(file, key + "_", value, out);
                continue;
            }
            String env = Settings.PREFIX + key.toUpperCase(Locale.ROOT);
            if (Settings.byEnv(env) == null) {
                throw new IllegalArgumentException(
                        file + ": unknown setting '" + key + "' (the settings are listed in docs/operations.md)");
            }
            if (value.isNull()) {
                continue;
            }
            if (value.isArray()) {
                List<String> items = new ArrayList<>();
                value.forEach(item -> items.add(item.asText()));
                out.put(env, String.join(",", items));
            } else {
                out.put(env, value.asText());
            }
        }
    }

    private static String firstLine(@Nullable String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
