package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.codec.Imei;
import dev.telemask.storage.query.FleetDevice;

/** How a device looks in JSON. */
final class DeviceJson {
    private DeviceJson() {
    }

    static ObjectNode of(FleetDevice device) {
        ObjectNode node = ApiRequest.JSON.createObjectNode();
        node.put("imei", Imei.format(device.imei()));
        node.put("label", device.label());
        if (device.policyId() == null) {
            node.putNull("policyId");
        } else {
            node.put("policyId", device.policyId());
        }
        node.put("restricted", device.restricted());
        node.put("privateUntil", device.privateUntil() == null ? null : device.privateUntil().toString());
        node.put("createdAt", device.createdAt().toString());
        node.put("lastSeenAt", device.lastSeenAt() == null ? null : device.lastSeenAt().toString());
        return node;
    }
}
