package dev.telemask.gateway.cli;

import picocli.CommandLine.IVersionProvider;

/** The version in the jar's manifest (the build's), or "dev" when run from classes. */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"telemask " + number()};
    }

    /** The jar's version (its manifest), or "dev" when run from classes. */
    static String number() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
