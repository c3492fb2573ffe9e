package dev.telemask.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The metric finder the dashboard and alert lint relies on: it must see every metric and nothing else. */
class PromqlSelectorsTest {
    @Test
    void findsMetricsInsideFunctionsAndSkipsGroupingLabels() {
        List<PromqlSelectors.Selector> found = PromqlSelectors.of(
                "histogram_quantile(0.99, sum by (le, instance) (rate(telemask_ack_latency_seconds_bucket[5m]))) > 5");
        assertEquals(List.of("telemask_ack_latency_seconds_bucket"), found.stream().map(PromqlSelectors.Selector::metric).toList());
    }

    @Test
    void readsLabelMatchers() {
        PromqlSelectors.Selector s = PromqlSelectors.of(
                "sum(rate(telemask_records_treated_total{instance=~\"$instance\",treatment=~\"private|zone\"}[5m]))").get(0);
        assertEquals("telemask_records_treated_total", s.metric());
        assertEquals(List.of("instance=~$instance", "treatment=~private|zone"),
                s.matchers().stream().map(m -> m[0] + m[1] + m[2]).toList());
    }

    @Test
    void findsBothSidesOfARatioAndBareGauges() {
        assertEquals(List.of("telemask_a_sum", "telemask_a_count", "up"), PromqlSelectors.of(
                "sum(rate(telemask_a_sum[5m])) / ignoring(x) group_left sum(rate(telemask_a_count[5m])) and up == 0")
                .stream().map(PromqlSelectors.Selector::metric).toList());
    }
}
