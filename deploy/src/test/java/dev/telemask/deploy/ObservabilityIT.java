package dev.telemask.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemask.gateway.Gateway;
import dev.telemask.gateway.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Grafana dashboard and the Prometheus alert rules query only what a real gateway's /metrics serves: one gateway
 * (embedded database under target/) is started, scraped over HTTP, and every metric and label value the files name
 * must be in the scrape.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityIT {
    private Gateway gateway;
    private PrometheusExposition scrape;

    @BeforeAll
    void startAndScrape() throws Exception {
        Path data = Path.of(System.getProperty("telemask.test.dir", "target"), "observability-it",
                "db-" + ProcessHandle.current().pid());
        gateway = Gateway.start(ConfigLoader.load(null, Map.of(), Map.of(
                "device.host", "127.0.0.1", "device.port", "0", "device.udp-port", "0",
                "http.host", "127.0.0.1", "http.port", "0", "db.embedded-dir", data.toString())));
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.httpPort() + "/metrics")).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        scrape = new PrometheusExposition(response.body());
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void everyDashboardPanelQueriesServedMetrics() {
        JsonNode dashboard = DeployFiles.json("grafana/dashboards/telemask.json");
        assertEquals("telemask", dashboard.path("uid").asText());
        String datasource = DeployFiles.yaml("grafana/provisioning/datasources/prometheus.yaml")
                .path("datasources").get(0).path("uid").asText();
        List<String> problems = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText();
            assertEquals(datasource, panel.path("datasource").path("uid").asText(), title + ": provisioned datasource");
            assertFalse(panel.path("targets").isEmpty(), title + " has queries");
            for (JsonNode target : panel.path("targets")) {
                problems.addAll(check("panel '" + title + "'", target.path("expr").asText()));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            problems.addAll(check("variable " + variable.path("name").asText(), variable.path("query").asText()));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyAlertRuleQueriesServedMetrics() {
        String job = DeployFiles.yaml("prometheus/prometheus.yml").path("scrape_configs").get(0).path("job_name").asText();
        List<String> problems = new ArrayList<>();
        int rules = 0;
        for (JsonNode group : DeployFiles.yaml("prometheus/alerts.yml").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                rules++;
                String name = rule.path("alert").asText();
                assertFalse(rule.path("annotations").path("summary").asText().isEmpty(), name + " has a summary");
                for (PromqlSelectors.Selector s : PromqlSelectors.of(rule.path("expr").asText())) {
                    if (s.metric().equals("up")) {
                        // Prometheus' own series: the job must be the one prometheus.yml scrapes.
                        s.matchers().stream().filter(m -> m[0].equals("job"))
                                .forEach(m -> assertEquals(job, m[2], name + ": job of up"));
                    } else {
                        problems.addAll(check("alert " + name, s));
                    }
                }
            }
        }
        assertTrue(rules > 0, "alerts.yml has rules");
        assertEquals(List.of(), problems);
    }

    private List<String> check(String where, String expression) {
        List<PromqlSelectors.Selector> selectors = PromqlSelectors.of(expression);
        List<String> problems = new ArrayList<>();
        if (selectors.isEmpty()) {
            problems.add(where + ": no metric found in " + expression);
        }
        selectors.forEach(s -> problems.addAll(check(where, s)));
        return problems;
    }

    private List<String> check(String where, PromqlSelectors.Selector selector) {
        List<String> problems = new ArrayList<>();
        if (!scrape.has(selector.metric())) {
            problems.add(where + ": " + selector.metric() + " is not in /metrics");
            return problems;
        }
        for (String[] m : selector.matchers()) {
            if (m[0].equals("instance") || m[0].equals("job") || m[2].contains("$")) {
                continue; // added by Prometheus, or a dashboard variable
            }
            for (String value : m[1].equals("=~") ? m[2].split("\\|") : new String[] {m[2]}) {
                if (value.matches("[a-zA-Z0-9_]+") && !scrape.values(selector.metric(), m[0]).contains(value)) {
                    problems.add(where + ": " + selector.metric() + " has no " + m[0] + "=\"" + value + "\" (has "
                            + scrape.values(selector.metric(), m[0]) + ")");
                }
            }
        }
        return problems;
    }
}
