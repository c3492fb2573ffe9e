package dev.telemask.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The files under deploy/ as the tests read them: paths from the module folder, YAML and JSON as trees. */
final class DeployFiles {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private DeployFiles() {}

    /** A path below deploy/ (Maven runs the tests in the module folder). */
    static Path path(String relative) {
        return Path.of(relative);
    }

    static JsonNode json(String relative) {
        try {
            return JSON.readTree(path(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(relative + " is not valid JSON", e);
        }
    }

    static JsonNode yaml(String relative) {
        try {
            return YAML.readTree(path(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(relative + " is not valid YAML", e);
        }
    }

    /** Every document of a multi-document YAML file. */
    static List<JsonNode> yamlDocuments(Path file) {
        try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(file.toFile())) {
            List<JsonNode> out = new ArrayList<>();
            YAML.readValues(parser, JsonNode.class).forEachRemaining(doc -> {
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    out.add(doc);
                }
            });
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(file + " is not valid YAML", e);
        }
    }
}
