package dev.telemask.deploy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a {@code /metrics} scrape offers: each sample name (with its Prometheus suffixes, e.g. {@code _total},
 * {@code _bucket}) and, per name and label, the values seen. Enough to check that a query refers to real series.
 */
final class PrometheusExposition {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})?\\s");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Map<String, Map<String, Set<String>>> labels = new HashMap<>();

    PrometheusExposition(String text) {
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.find()) {
                continue;
            }
            Map<String, Set<String>> byLabel = labels.computeIfAbsent(sample.group(1), n -> new HashMap<>());
            if (sample.group(3) != null) {
                Matcher label = LABEL.matcher(sample.group(3));
                while (label.find()) {
                    byLabel.computeIfAbsent(label.group(1), l -> new HashSet<>()).add(label.group(2));
                }
            }
        }
    }

    boolean has(String name) {
        return labels.containsKey(name);
    }

    /** The values of {@code label} on {@code name}'s samples; empty when none carries it. */
    Set<String> values(String name, String label) {
        return labels.getOrDefault(name, Map.of()).getOrDefault(label, Set.of());
    }

    Set<String> names() {
        return labels.keySet();
    }
}
