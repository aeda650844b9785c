package org.haven.server.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A path with parameters, as OpenAPI writes it: {@code /api/v1/clients/{client}/care}. A parameter
 * is one whole segment; its value is percent-decoded, 1 to {@value #MAX_PARAMETER_CHARS} characters
 * with no control character.
 *
 * <p>Threading: immutable.
 */
public final class PathTemplate {

    /** The longest value a path parameter may take (a room id's bound, over a user id's). */
    static final int MAX_PARAMETER_CHARS = 128;

    private final String template;
    private final List<String> segments;

    public PathTemplate(String template) {
        Objects.requireNonNull(template, "template");
        if (!template.startsWith("/") || template.endsWith("/") || template.contains("//")) {
            throw new IllegalArgumentException("template: " + template + " (expected: /a/{b}/c)");
        }
        this.template = template;
        this.segments = List.of(template.substring(1).split("/"));
        for (String s : segments) {
            if (isParameter(s) ? s.length() < 3 : s.contains("{") || s.contains("}")) {
                throw new IllegalArgumentException("template: " + template + " (a parameter is a whole segment)");
            }
        }
    }

    /** The template as written. */
    @Override
    public String toString() {
        return template;
    }

    /** The parameters' names, in order. */
    public List<String> parameters() {
        List<String> names = new ArrayList<>();
        for (String s : segments) {
            if (isParameter(s)) {
                names.add(s.substring(1, s.length() - 1));
            }
        }
        return names;
    }

    /**
     * The parameters of {@code path} by name when it has this template's shape, or {@code null}.
     *
     * @throws ApiRefusal {@code invalid_message} when it has the shape but a value is not acceptable
     */
    public @Nullable Map<String, String> match(String path) {
        if (!path.startsWith("/")) {
            return null;
        }
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length != segments.size()) {
            return null;
        }
        for (int i = 0; i < parts.length; i++) {
            if (isParameter(segments.get(i))
                    ? parts[i].isEmpty()
                    : !segments.get(i).equals(parts[i])) {
                return null;
            }
        }
        // Values are checked only once the whole shape matched: a bad value on another endpoint's
        // path is that endpoint's miss, not this one's refusal.
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String s = segments.get(i);
            if (isParameter(s)) {
                values.put(s.substring(1, s.length() - 1), parameter(s, parts[i]));
            }
        }
        return values;
    }

    private static String parameter(String segment, String raw) {
        String value;
        try {
            value = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiRefusal(ApiError.INVALID_MESSAGE, segment + ": not a valid percent-encoded value");
        }
        if (value.isEmpty()
                || value.length() > MAX_PARAMETER_CHARS
                || value.chars().anyMatch(Character::isISOControl)) {
            throw new ApiRefusal(
                    ApiError.INVALID_MESSAGE,
                    segment + ": 1.." + MAX_PARAMETER_CHARS + " characters, no control characters");
        }
        return value;
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }
}
