package dev.telemask.gateway.ingest;

import dev.telemask.privacy.CompiledPolicy;
import dev.telemask.privacy.Consent;
import dev.telemask.privacy.DeviceState;
import dev.telemask.privacy.ConsentOverride;
import dev.telemask.privacy.Policy;
import dev.telemask.privacy.PolicyJson;
import dev.telemask.storage.IngestDeviceLookup;
import dev.telemask.storage.IngestProfile;
import dev.telemask.storage.SealedRecordException;
import dev.telemask.storage.SealedRecords;
import dev.telemask.storage.SealedStore;
import dev.telemask.storage.DeviceZone;
import dev.telemask.storage.SealedRecordException;
import dev.telemask.storage.SealedZones;
import dev.telemask.privacy.PrivacyZone;
import java.util.ArrayList;
import java.util.List;
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
 * compiling each policy version once. Zone centres are stored sealed and opened here, in memory only; a device
 * with its driver's own zones gets a policy of its own: the policy's zones and the driver's together.
 */
final class DeviceContexts implements DeviceLookup {
    private static final Logger LOG = System.getLogger(DeviceContexts.class.getName());
    /** What a device gets when its stored policy cannot be read: nothing that locates or identifies anyone. */
    private static final Consent FAIL_CLOSED = new Consent(false, false, false);

    private final IngestDeviceLookup directory;
    private final SealedStore sealed;
    private final SealedZones zones;
    private final byte[] zoneKey;
    private final Executor database;
    private final boolean autoRegister;
    private final CompiledPolicy noPolicy;
    private final Map<String, CompiledPolicy> compiled = new ConcurrentHashMap<>();
    /** Each fleet's geofences, read once and forgotten when the fleet changes them. */
    private final Map<Long, List<dev.telemask.privacy.Geofence>> geofences = new ConcurrentHashMap<>();

    DeviceContexts(IngestDeviceLookup directory, byte[] zoneKey, Executor database, boolean autoRegister) {
        this(directory, null, null, zoneKey, database, autoRegister);
    }

    /**
     * With {@code sealed}, a connecting device's sealed records are loaded with it (null: none are kept); zone
     * centres are opened with {@code zones} (null: a device whose policy or driver has zones fails closed).
     */
    DeviceContexts(IngestDeviceLookup directory, SealedStore sealed, SealedZones zones, byte[] zoneKey,
                   Executor database, boolean autoRegister) {
        this.directory = directory;
        this.sealed = sealed;
        this.zones = zones;
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
                Optional<IngestProfile> profile = withSealed ? directory.claim(imei) : directory.find(imei);
                if (profile.isEmpty() && register) {
                    profile = Optional.of(directory.registerInQuarantine(imei));
                }
                Optional<DeviceContext> context = profile.map(this::withOpenedState).map(this::contextOf);
                if (context.isPresent()) {
                    long tenant = context.get().profile().tenantId();
                    List<dev.telemask.privacy.Geofence> fences = geofences.get(tenant);
                    if (fences == null) {
                        fences = directory.geofences(tenant);
                        geofences.put(tenant, fences);
                    }
                    context = Optional.of(context.get().withEvents(fences,
                            withSealed ? directory.eventState(imei) : null));
                }
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

    /** Forgets a fleet's geofences, so that its devices' next lookup reads them again. */
    void geofencesChanged(long tenantId) {
        geofences.remove(tenantId);
    }

    /** Forgets every fleet's geofences (the change feed may have missed a change). */
    void forgetGeofences() {
        geofences.clear();
    }

    /** Forgets the compiled versions of a policy, so that its next use compiles the newest. */
    void policyChanged(long policyId) {
        compiled.keySet().removeIf(key -> key.startsWith(policyId + ":"));
    }

    /**
     * The profile with its saved privacy state opened. A state that does not open (its key left the ring) gives a
     * state that knows nothing of the past, so the engine fails closed: private until a trip is seen to start.
     */
    private IngestProfile withOpenedState(IngestProfile profile) {
        if (sealed == null || profile.privacyState() == null) {
            return profile;
        }
        try {
            return profile.withPrivacyState(sealed.sealer().openDeviceState(profile.imei(), profile.privacyState()));
        } catch (SealedRecordException e) {
            LOG.log(Level.WARNING, "{0}; its records are private until a trip is seen to start", e.getMessage());
            return profile.withPrivacyState(DeviceState.unknownPast().save());
        }
    }

    DeviceContext contextOf(IngestProfile profile) {
        ConsentOverride own = new ConsentOverride(profile.consentLocation(), profile.consentDriverIdentity(),
                profile.consentTelemetry());
        try {
            CompiledPolicy policy = policyOf(profile);
            if (!profile.ownZones().isEmpty()) {
                policy = CompiledPolicy.compile(withOwnZones(policy.policy(), profile.ownZones()), zoneKey);
            }
            return new DeviceContext(profile, policy, own.resolve(policy.policy().consent()));
        } catch (IllegalArgumentException e) { // PolicyValidationException, or a document that is not JSON
            // The API validates every document it stores; one that fails here was written around it.
            LOG.log(Level.ERROR, "policy {0} version {1} of device {2} is invalid ({3}); storing its records"
                    + " without location, driver identity or telemetry", profile.policyId(), profile.policyVersion(),
                    profile.imei(), e.getMessage());
            return new DeviceContext(profile, noPolicy, FAIL_CLOSED);
        } catch (SealedRecordException e) {
            // Without its zones' centres the device's policy cannot be applied: nothing that locates anyone.
            LOG.log(Level.ERROR, "the zones of device {0} (policy {1} version {2}) do not open ({3}); storing its"
                    + " records without location, driver identity or telemetry", profile.imei(), profile.policyId(),
                    profile.policyVersion(), e.getMessage());
            return new DeviceContext(profile, noPolicy, FAIL_CLOSED);
        }
    }

    private CompiledPolicy policyOf(IngestProfile profile) {
        if (profile.policyId() == null || profile.policyDocument() == null) {
            return noPolicy;
        }
        String key = profile.policyId() + ":" + profile.policyVersion();
        return compiled.computeIfAbsent(key,
                k -> CompiledPolicy.compile(PolicyJson.parse(opened(profile.policyDocument())), zoneKey));
    }

    private String opened(String storedDocument) {
        if (zones == null) {
            if (storedDocument.contains(SealedZones.SEALED_CENTRE)) {
                throw new SealedRecordException("this gateway was started without the seal key");
            }
            return storedDocument;
        }
        return zones.open(storedDocument);
    }

    /**
     * The policy with the driver's zones added, each at least the policy's smallest driver zone radius, its hidden
     * disc drawn for the radius the driver set.
     */
    private Policy withOwnZones(Policy policy, List<DeviceZone> own) {
        if (zones == null) {
            throw new SealedRecordException("this gateway was started without the seal key");
        }
        List<PrivacyZone> all = new ArrayList<>(policy.zones());
        for (DeviceZone zone : own) {
            // Drawn for the radius the zone was placed with: neither the driver resizing it nor an admin raising the
            // minimum step by step may draw a new disc of the same home.
            all.add(zone.applied(zones.openCentre(zone.id(), zone.sealedCentre()), policy.driverZoneMinRadiusMetres()));
        }
        return policy.withZones(all);
    }
}
