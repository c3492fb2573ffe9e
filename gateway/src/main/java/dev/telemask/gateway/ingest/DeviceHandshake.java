package dev.telemask.gateway.ingest;

/** A device introduced itself with its IMEI; the first message of every TCP session. */
record DeviceHandshake(long imei) {
}
