-- A data subject's export reads a device's events and commands a page at a time, each page starting where the last
-- ended (PagedQuery), in statements of their own so that a slow reader holds no transaction. These indexes find each
-- page's start by the device and the page's key; without them every page read the tenant's events (indexed by tenant
-- and time only) or all the device's commands again, and sorted them. An erasure's deletes of a device's events in a
-- time range use the events' index too. (Deliveries are paged by device time, by their index of V19.)
CREATE INDEX device_events_device ON device_events (imei, device_time, id);
CREATE INDEX device_commands_device ON device_commands (imei, id);
