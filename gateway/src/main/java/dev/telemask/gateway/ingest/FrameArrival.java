package dev.telemask.gateway.ingest;

import dev.telemask.privacy.Consent;
import dev.telemask.storage.IngestProfile;

/**
 * What a frame (a TCP frame or a UDP datagram) arrived under: when (gateway clock), the consent, and whether the device
 * was held restricted. Its write refused as stale, the frame is judged again as received then, over TCP and UDP
 * alike: a switch that ended since (private mode off, a restriction lifted, their ends stored) still covers it, and
 * consent given since does not reach it. One per connection or UDP device, reused for each frame.
 */
final class FrameArrival {
    private long millis;
    private Consent consent;
    private boolean restricted;

    /** The frame arrived at {@code atMillis} while the device was known as {@code device}. */
    void arrived(long atMillis, DeviceContext device) {
        millis = atMillis;
        consent = device.consent();
        restricted = device.restricted();
    }

    /** When the frame arrived (gateway clock). */
    long millis() {
        return millis;
    }

    /**
     * Whether the frame, judged again under {@code now} (what the database holds), is a restricted device's: the device
     * is restricted now, its latest restriction (lifted since) covers the frame's arrival, or the device was held
     * restricted at the arrival and the restriction was lifted only after it (one lifted and laid again meanwhile
     * leaves only its latest span stored). A lift without a stored end (made before ends were kept) counts as before
     * the frame.
     */
    boolean whileRestricted(DeviceContext now) {
        IngestProfile.Restriction last = now.profile().lastRestriction();
        return now.restricted() || last.covers(millis) || restricted
                && last.untilMillis() != Long.MAX_VALUE && millis < last.untilMillis();
    }

    /**
     * {@code now} with the stricter of the consent the frame arrived under and the one stored now. Consent keeps no
     * time of its change that orders it against the frame's arrival (the database stamps a consent at its
     * transaction's start, before the call returns), so the frame's records keep the stricter, as a record waiting
     * sealed does. A consent given just before the frame arrived, which the gateway had not heard of yet, costs that
     * frame its location.
     */
    DeviceContext masker(DeviceContext now) {
        return now.withConsent(now.consent().and(consent));
    }
}
