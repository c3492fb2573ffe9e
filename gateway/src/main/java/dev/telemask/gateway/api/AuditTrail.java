package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.storage.query.AuditLog;
import dev.telemask.storage.query.TimeWindow;
import dev.telemask.storage.query.Transaction;

import java.sql.Connection;
import java.sql.SQLException;

/** Writes the audit rows of the API: who read or changed what about which device, over which range, how many rows. */
final class AuditTrail {
    private final AuditLog log;

    AuditTrail(AuditLog log) {
        this.log = log;
    }

    /** A read of location data or a data-subject action on one device. */
    void device(Caller caller, String action, long imei, TimeWindow window, Long rows) throws SQLException {
        log.record(caller.tenantId(), caller.actor(), action, target(imei), details(caller, window, rows));
    }

    /** The same, on {@code c} inside the action's own transaction: an erasure never happens unaudited. */
    void device(Connection c, Caller caller, String action, long imei, TimeWindow window, Long rows)
            throws SQLException {
        AuditLog.record(c, caller.tenantId(), caller.actor(), action, target(imei), details(caller, window, rows));
    }

    /**
     * The row of a change of one device's switches (restriction, private mode, consent, policy), written inside the
     * change's transaction: a switch is never made unaudited. {@code details} says what it was changed to.
     */
    Transaction.Step switched(Caller caller, String action, long imei, ObjectNode details) {
        ObjectNode row = details == null ? ApiRequest.JSON.createObjectNode() : details.deepCopy();
        row.put("role", caller.role().dbName());
        String text = row.toString();
        return c -> AuditLog.record(c, caller.tenantId(), caller.actor(), action, target(imei), text);
    }

    private static String details(Caller caller, TimeWindow window, Long rows) {
        ObjectNode details = ApiRequest.JSON.createObjectNode();
        if (window != null) {
            details.put("from", window.from().toString());
            details.put("to", window.to().toString());
        }
        if (rows != null) {
            details.put("rows", rows);
        }
        details.put("role", caller.role().dbName());
        return details.toString();
    }

    /** A change of something else in the tenant, e.g. a policy. */
    void change(Caller caller, String action, String target, ObjectNode details) throws SQLException {
        log.record(caller.tenantId(), caller.actor(), action, target, details == null ? null : details.toString());
    }

    /** A row about a sign-in to the tenant, by whoever tried ({@code actor}), e.g. a failure. */
    void account(long tenantId, String actor, String action, String target, ObjectNode details)
            throws SQLException {
        log.record(tenantId, actor, action, target, details == null ? null : details.toString());
    }

    static String target(long imei) {
        return "device:" + imei;
    }
}
