package org.haven.loadtest;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --option value} pairs after a command name, checked against the options the command
 * knows; typed reads with ranges. Every mistake is a {@link LoadOptions.UsageException} naming it.
 */
final class CommandLine {

    private final Map<String, String> values = new HashMap<>();

    CommandLine(String[] args, Set<String> known) throws LoadOptions.UsageException {
        for (int i = 1; i < args.length; i += 2) {
            String key = args[i];
            if (!known.contains(key)) {
                throw new LoadOptions.UsageException("unknown option '" + key + "' for " + args[0]);
            }
            if (i + 1 >= args.length) {
                throw new LoadOptions.UsageException(key + " needs a value");
            }
            if (values.put(key, args[i + 1]) != null) {
                throw new LoadOptions.UsageException(key + " given twice");
            }
        }
    }

    String text(String key, String fallback) throws LoadOptions.UsageException {
        String value = values.getOrDefault(key, fallback);
        if (value == null) {
            throw new LoadOptions.UsageException(key + " is required");
        }
        if (value.isBlank()) {
            throw new LoadOptions.UsageException(key + ": empty");
        }
        return value;
    }

    /** The value, or {@code null} when not given. */
    String optional(String key) {
        return values.get(key);
    }

    int integer(String key, int fallback, int min, int max) throws LoadOptions.UsageException {
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new LoadOptions.UsageException(key + ": not a whole number: " + value);
        }
        if (n < min || n > max) {
            throw new LoadOptions.UsageException(key + ": " + n + " (expected " + min + ".." + max + ")");
        }
        return n;
    }

    double decimal(String key, double fallback, double min, double max) throws LoadOptions.UsageException {
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        double n;
        try {
            n = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new LoadOptions.UsageException(key + ": not a number: " + value);
        }
        if (!(n >= min && n <= max)) {
            throw new LoadOptions.UsageException(key + ": " + value + " (expected " + min + ".." + max + ")");
        }
        return n;
    }

    boolean flag(String key) throws LoadOptions.UsageException {
        String value = values.getOrDefault(key, "off");
        if (!value.equals("on") && !value.equals("off")) {
            throw new LoadOptions.UsageException(key + ": " + value + " (expected on or off)");
        }
        return value.equals("on");
    }
}
