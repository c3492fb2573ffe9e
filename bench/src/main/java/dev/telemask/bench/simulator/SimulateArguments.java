package dev.telemask.bench.simulator;

import java.util.Optional;

/** Everything {@code telemask simulate} was asked: the fleet to run, and where to register it first, if anywhere. */
public record SimulateArguments(SimulatorOptions fleet, Optional<RegistrationTarget> registration) {
}
