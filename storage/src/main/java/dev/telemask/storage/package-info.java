/**
 * Telemask's database: schema migrations, the batched position writer, retention, and the data source (a configured
 * PostgreSQL/TimescaleDB or the embedded PostgreSQL).
 */
package dev.telemask.storage;
