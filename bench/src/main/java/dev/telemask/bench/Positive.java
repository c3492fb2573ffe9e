package dev.telemask.bench;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Refuses a count or rate of zero or less with the name of the option or parameter that gave it. */
final class Positive {
    private Positive() {}

    static void require(CommandSpec spec, String name, double value) {
        if (!(value > 0)) {
            throw new ParameterException(spec.commandLine(), name + " must be positive, got "
                    + (value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value)));
        }
    }
}
