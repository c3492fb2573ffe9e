package dev.telemask.gateway.cli;

import picocli.CommandLine.IVersionProvider;

/** The version in the jar's manifest (the build's), or "development" when run from classes. */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {"telemask " + (version == null ? "development" : version)};
    }
}
