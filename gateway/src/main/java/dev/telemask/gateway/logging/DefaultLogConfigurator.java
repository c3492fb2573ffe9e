package dev.telemask.gateway.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration until the gateway has read its own ({@link LogSettings#DEFAULT}), found by Logback through
 * the service loader: the same text lines and quiet libraries as a configured gateway, with no logback.xml to keep
 * in step. With {@code -Dlogback.configurationFile=FILE} that file configures Logback instead, and the gateway's
 * {@code log.*} settings are not applied.
 */
public final class DefaultLogConfigurator extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (LogbackSetup.operatorFile()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LogbackSetup.apply(context, LogSettings.DEFAULT, System.err);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
