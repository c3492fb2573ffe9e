package dev.telemask.gateway.api;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class RouterTest {
    private final Router router = new Router()
            .add("GET", "/devices", Set.of(Role.ADMIN), r -> { })
            .add("GET", "/devices/{imei}/positions", Set.of(Role.ADMIN), r -> { });

    @Test
    void matchesTemplatesAndCapturesParameters() {
        Router.Found found = assertInstanceOf(Router.Found.class, router.find("GET", "/devices/123/positions"));
        assertEquals(Map.of("imei", "123"), found.parameters());
        assertEquals("/devices/{imei}/positions", found.route().template());
    }

    @Test
    void tellsAnUnknownPathFromAWrongMethod() {
        assertInstanceOf(Router.NoSuchPath.class, router.find("GET", "/devices/123"));
        assertInstanceOf(Router.NoSuchPath.class, router.find("GET", "/devices//positions"));
        assertInstanceOf(Router.NoSuchPath.class, router.find("GET", "/devices/"));
        assertInstanceOf(Router.WrongMethod.class, router.find("POST", "/devices/1/positions"));
    }
}
