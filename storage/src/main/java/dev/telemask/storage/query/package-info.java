/**
 * The fleet API's reads and writes: tenant-scoped devices, policies, consent and audit, and bounded, streamed reads
 * of the stored (masked) positions with the trips computed from them. Every method takes the caller's tenant, so a
 * row of another tenant is indistinguishable from a missing one.
 */
package dev.telemask.storage.query;
