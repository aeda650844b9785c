package org.haven.server.care;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.haven.protocol.Care;
import org.jspecify.annotations.Nullable;

/**
 * The crisis lines and emergency number a client is shown the moment they ask for help: the
 * organisation's configured list, or by default the 988 Suicide &amp; Crisis Lifeline (call or
 * text) and the local emergency number of the country the client checked in from.
 *
 * <p>Threading: immutable, any thread.
 */
public final class CrisisResources {

    private static final Map<String, String> EMERGENCY_NUMBERS = Map.ofEntries(
            Map.entry("US", "911"),
            Map.entry("CA", "911"),
            Map.entry("MX", "911"),
            Map.entry("GB", "999"),
            Map.entry("IE", "112"),
            Map.entry("AU", "000"),
            Map.entry("NZ", "111"),
            Map.entry("IN", "112"),
            Map.entry("JP", "119"),
            Map.entry("ZA", "10111"));

    private final Map<String, List<Care.CrisisResource>> byOrg;

    /** {@code byOrg}: an organisation's own list replaces the defaults for its clients. */
    public CrisisResources(Map<String, List<Care.CrisisResource>> byOrg) {
        this.byOrg = Map.copyOf(byOrg);
    }

    /**
     * Reads an organisation's own lists from a JSON file:
     * {@code {"orgs": {"demo": [{"name": "...", "channel": "call", "contact": "..."}]}}}.
     * A file that cannot be read or holds an invalid entry fails the start, naming the setting.
     */
    public static CrisisResources load(@Nullable Path file) {
        if (file == null) {
            return new CrisisResources(Map.of());
        }
        try {
            var mapper = new ObjectMapper();
            var root = mapper.readTree(file.toFile());
            var orgs = root.path("orgs");
            if (!orgs.isObject()) {
                throw new IllegalArgumentException("expected an object \"orgs\"");
            }
            Map<String, List<Care.CrisisResource>> byOrg = new HashMap<>();
            var fields = orgs.fields();
            while (fields.hasNext()) {
                var entry = fields.next();
                List<Care.CrisisResource> list = new ArrayList<>();
                for (var item : entry.getValue()) {
                    Care.CrisisResource r = mapper.treeToValue(item, Care.CrisisResource.class);
                    if (r.name() == null
                            || r.channel() == null
                            || r.contact() == null
                            || r.contact().isBlank()) {
                        throw new IllegalArgumentException("org " + entry.getKey()
                                + ": each resource needs name, channel" + " (call, text or web) and contact");
                    }
                    list.add(r);
                }
                byOrg.put(entry.getKey(), List.copyOf(list));
            }
            return new CrisisResources(byOrg);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "HAVEN_CRISIS_RESOURCES: cannot read " + file + " (" + e.getMessage() + ")", e);
        }
    }

    /** Resources for a client of {@code org} who last checked in from {@code country} (may be null). */
    public List<Care.CrisisResource> forClient(String org, @Nullable String country) {
        List<Care.CrisisResource> configured = byOrg.get(org);
        if (configured != null) {
            return configured;
        }
        List<Care.CrisisResource> out = new ArrayList<>();
        if (country == null || country.equalsIgnoreCase("US")) {
            out.add(new Care.CrisisResource("988 Suicide & Crisis Lifeline", Care.Channel.CALL, "988"));
            out.add(new Care.CrisisResource("988 Suicide & Crisis Lifeline", Care.Channel.TEXT, "988"));
        }
        String number =
                country == null ? "911" : EMERGENCY_NUMBERS.getOrDefault(country.toUpperCase(Locale.ROOT), "112");
        out.add(new Care.CrisisResource("Emergency services", Care.Channel.CALL, number));
        return List.copyOf(out);
    }
}
