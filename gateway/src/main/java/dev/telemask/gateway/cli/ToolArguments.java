package dev.telemask.gateway.cli;

import dev.telemask.gateway.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments every database tool ({@code token}, {@code migrate}) shares with {@code serve}, taken out of its own:
 * {@code --config FILE}, and {@code --init}, which allows it to create an embedded database that does not exist yet.
 *
 * @param configFile the {@code --config} file, or null for the working directory's {@code telemask.properties}
 * @param init       whether a missing embedded database may be created
 * @param rest       the tool's own arguments, in order
 */
record ToolArguments(Path configFile, boolean init, List<String> rest) {
    static final String INIT = "--init";

    /** Reads {@code args} from index {@code from}; throws {@link ConfigException} for a {@code --config} without file. */
    static ToolArguments parse(String[] args, int from) {
        Path file = null;
        boolean init = false;
        List<String> rest = new ArrayList<>();
        for (int i = from; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        throw new ConfigException("--config needs a file");
                    }
                    file = Path.of(args[++i]);
                }
                case INIT -> init = true;
                default -> rest.add(args[i]);
            }
        }
        return new ToolArguments(file, init, List.copyOf(rest));
    }
}
