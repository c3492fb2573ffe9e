package dev.telemask.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series a PromQL expression selects: metric names with their label matchers. Not a PromQL parser: it finds
 * {@code name{...}} and bare names that look like metrics (snake_case with an underscore), which is what our
 * dashboards and rules write; function names, {@code by (...)} labels and keywords are told apart by a list.
 */
final class PromqlSelectors {
    /** A selected metric and its equality or regex matchers (label, operator, value). */
    record Selector(String metric, List<String[]> matchers) {
    }

    private static final Pattern NAME = Pattern.compile("(?<![a-zA-Z0-9_:\"$.{])([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{([^}]*)})?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
    private static final Set<String> NOT_METRICS = Set.of("sum", "rate", "irate", "increase", "histogram_quantile",
            "by", "without", "ignoring", "on", "group_left", "group_right", "max", "min", "avg", "count",
            "label_values", "and", "or", "unless", "le", "instance", "job", "topk", "bottomk", "abs", "delta",
            "deriv", "clamp_min", "clamp_max", "max_over_time", "min_over_time", "avg_over_time", "absent");

    private PromqlSelectors() {}

    static List<Selector> of(String expression) {
        // Drop grouping clauses first: "by (le, instance)" names labels, not metrics.
        String text = expression.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\[[^]]*]", " ");
        List<Selector> out = new ArrayList<>();
        Matcher m = NAME.matcher(text);
        while (m.find()) {
            String name = m.group(1);
            boolean call = text.substring(m.end(1)).stripLeading().startsWith("(");
            if (NOT_METRICS.contains(name) || call || (!name.contains("_") && !name.equals("up"))) {
                continue;
            }
            List<String[]> matchers = new ArrayList<>();
            if (m.group(3) != null) {
                Matcher matcher = MATCHER.matcher(m.group(3));
                while (matcher.find()) {
                    matchers.add(new String[] {matcher.group(1), matcher.group(2), matcher.group(3)});
                }
            }
            out.add(new Selector(name, matchers));
        }
        return out;
    }
}
