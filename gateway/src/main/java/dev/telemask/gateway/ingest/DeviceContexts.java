package dev.telemask.gateway.ingest;

import dev.telemask.privacy.CompiledPolicy;
import dev.telemask.privacy.Consent;
import dev.telemask.privacy.ConsentOverride;
import dev.telemask.privacy.Policy;
import dev.telemask.privacy.PolicyJson;
import dev.telemask.privacy.PolicyValidationException;
import dev.telemask.storage.DeviceDirectory;
import dev.telemask.storage.DeviceProfile;
import dev.telemask.storage.SealedRecords;
import dev.telemask.storage.SealedStore;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Loads devices from the database off the event loops and turns their profiles into {@link DeviceContext}s,
 * compiling each policy version once.
 */
final class DeviceContexts implements DeviceLookup {
    private static final Logger LOG = System.getLogger(DeviceContexts.class.getName());
    /** What a device gets when its stored policy cannot be read: nothing that locates or identifies anyone. */
    private static final Consent FAIL_CLOSED = new Consent(false, false, false);

    private final DeviceDirectory directory;
    private final SealedStore sealed;
    private final byte[] zoneKey;
    private final Executor database;
    private final boolean autoRegister;
    private final CompiledPolicy noPolicy;
    private final Map<String, CompiledPolicy> compiled = new ConcurrentHashMap<>();

    DeviceContexts(DeviceDirectory directory, byte[] zoneKey, Executor database, boolean autoRegister) {
        this(directory, null, zoneKey, database, autoRegister);
    }

    /** With {@code sealed}, a connecting device's sealed records are loaded with it (null: none are kept). */
    DeviceContexts(DeviceDirectory directory, SealedStore sealed, byte[] zoneKey, Executor database,
                   boolean autoRegister) {
        this.directory = directory;
        this.sealed = sealed;
        this.zoneKey = zoneKey.clone();
        this.database = database;
        this.autoRegister = autoRegister;
        this.noPolicy = CompiledPolicy.compile(Policy.noOp(), zoneKey);
    }

    /**
     * The device's context, or empty when it is not registered; a device connecting for the first time is
     * registered in quarantine when auto-registration is on. Completes on a database thread; fails when the
     * database cannot be asked.
     */
    @Override
    public CompletableFuture<Optional<DeviceContext>> connect(long imei) {
        return load(imei, autoRegister, true);
    }

    @Override
    public CompletableFuture<Optional<DeviceContext>> reload(long imei) {
        return load(imei, false, false);
    }

    private CompletableFuture<Optional<DeviceContext>> load(long imei, boolean register, boolean withSealed) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                // A connection claims the device; a reload only reads it.
                Optional<DeviceProfile> profile = withSealed ? directory.claim(imei) : directory.find(imei);
                if (profile.isEmpty() && register) {
                    profile = Optional.of(directory.registerInQuarantine(imei));
                }
                Optional<DeviceContext> context = profile.map(this::contextOf);
                if (withSealed && sealed != null && context.isPresent()) {
                    SealedRecords records = new SealedRecords();
                    sealed.load(imei, records);
                    context = Optional.of(context.get().withSealed(records));
                }
                return context;
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, database);
    }

    /** Forgets the compiled versions of a policy, so that its next use compiles the newest. */
    void policyChanged(long policyId) {
        compiled.keySet().removeIf(key -> key.startsWith(policyId + ":"));
    }

    DeviceContext contextOf(DeviceProfile profile) {
        ConsentOverride own = new ConsentOverride(profile.consentLocation(), profile.consentDriverIdentity(),
                profile.consentTelemetry());
        if (profile.policyId() == null || profile.policyDocument() == null) {
            return new DeviceContext(profile, noPolicy, own.resolve(noPolicy.policy().consent()));
        }
        String key = profile.policyId() + ":" + profile.policyVersion();
        try {
            CompiledPolicy policy = compiled.computeIfAbsent(key,
                    k -> CompiledPolicy.compile(PolicyJson.parse(profile.policyDocument()), zoneKey));
            return new DeviceContext(profile, policy, own.resolve(policy.policy().consent()));
        } catch (PolicyValidationException e) {
            // The API validates every document it stores; one that fails here was written around it.
            LOG.log(Level.ERROR, "policy {0} version {1} of device {2} is invalid ({3}); storing its records"
                    + " without location, driver identity or telemetry", profile.policyId(), profile.policyVersion(),
                    profile.imei(), e.getMessage());
            return new DeviceContext(profile, noPolicy, FAIL_CLOSED);
        }
    }
}
