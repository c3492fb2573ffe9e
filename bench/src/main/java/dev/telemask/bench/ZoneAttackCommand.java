package dev.telemask.bench;

import dev.telemask.bench.zone.ZoneAttack;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code telemask bench zone-attack [--homes N] [--trips N] [--seed S] [--overlap]}: privacy zones against geometry. */
@Command(name = "zone-attack",
        description = "Random homes, each in a privacy zone with trips leaving and reaching it in every direction,"
                + " through the real privacy engine; then how far the attacker's estimators miss home.")
final class ZoneAttackCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    private final PrintStream out;

    @Spec
    CommandSpec spec;

    @Option(names = "--homes", paramLabel = "N", defaultValue = "100",
            description = "homes (default: ${DEFAULT-VALUE})")
    int homes;

    @Option(names = "--trips", paramLabel = "N", defaultValue = "50",
            description = "trips leaving and trips reaching each home (default: ${DEFAULT-VALUE})")
    int trips;

    @Option(names = "--seed", paramLabel = "S", description = "seeds the homes and routes (default: a random one,"
            + " printed)")
    Long seed;

    @Option(names = "--overlap", description = "only zones around one home at once against one zone alone (geometry"
            + " only, seconds)")
    boolean overlap;

    ZoneAttackCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        Positive.require(spec, "--homes", homes);
        Positive.require(spec, "--trips", trips);
        long chosen = seed != null ? seed : new SecureRandom().nextLong();
        if (overlap) {
            ZoneAttack.printOverlap(out, homes, chosen);
        } else {
            ZoneAttack.print(out, homes, trips, chosen);
        }
        return 0;
    }
}
