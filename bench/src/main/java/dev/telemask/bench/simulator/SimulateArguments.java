package dev.telemask.bench.simulator;

import dev.telemask.simulator.RegistrationTarget;
import dev.telemask.simulator.SimulatorOptions;
import java.util.Optional;

/** Everything {@code telemask simulate} was asked: the fleet to run, and where to register it first, if anywhere. */
public record SimulateArguments(SimulatorOptions fleet, Optional<RegistrationTarget> registration) {
}
