package dev.telemask.gateway.api;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RangeParametersTest {
    @Test
    void timesOutsideYears1970To9999Are400sNamingTheParameter() {
        for (String bad : new String[] {"+300000-01-01T00:00:00Z", " 300000-01-01T00:00:00Z",
                "-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "1969-12-31T23:59:59Z",
                "0000-01-01T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01", "", "1e9", "\u0662\u0660\u0662\u0666"}) {
            ApiError error = assertThrows(ApiError.class, () -> RangeParameters.parseInstant("from", bad), bad);
            assertEquals(400, error.status());
            assertEquals("from", error.parameter());
        }
    }

    @Test
    void acceptsTheEdgesAndOffsets() {
        assertEquals(Instant.EPOCH, RangeParameters.parseInstant("to", "1970-01-01T00:00:00Z"));
        assertEquals(Instant.parse("9999-12-31T23:59:59Z"), RangeParameters.parseInstant("to", "9999-12-31T23:59:59Z"));
        assertEquals(Instant.parse("2026-01-31T07:00:00Z"), RangeParameters.parseInstant("to",
                "2026-01-31T08:00:00 01:00"));
    }

    @Test
    void longValuesAreCutInTheMessage() {
        ApiError error = assertThrows(ApiError.class, () -> RangeParameters.parseInstant("to", "x".repeat(100_000)));
        assertTrue(error.getMessage().length() < 300, error.getMessage());
    }

    @Test
    void jsonContentTypesAreRecognised() {
        assertTrue(ApiRequest.isJson("application/json"));
        assertTrue(ApiRequest.isJson("Application/JSON; charset=utf-8"));
        assertTrue(ApiRequest.isJson("application/merge-patch+json"));
        assertFalse(ApiRequest.isJson(null));
        assertFalse(ApiRequest.isJson("text/plain"));
        assertFalse(ApiRequest.isJson("application/x-www-form-urlencoded"));
        assertFalse(ApiRequest.isJson("text/json-ish"));
    }
}
