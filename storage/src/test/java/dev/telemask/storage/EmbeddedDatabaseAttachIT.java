package dev.telemask.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** A second user of the same data directory connects to the running embedded server instead of failing. */
class EmbeddedDatabaseAttachIT {
    @Test
    void aSecondStartOnTheSameDirectoryAttachesAndLeavesTheServerRunning() throws Exception {
        Path dir = Path.of(System.getProperty("telemask.test.dir", "target"), "embedded-attach-" + ProcessHandle.current().pid());
        try (EmbeddedDatabase owner = EmbeddedDatabase.start(dir)) {
            try (EmbeddedDatabase second = EmbeddedDatabase.start(dir)) {
                assertEquals(owner.jdbcUrl(), second.jdbcUrl(), "same server");
            }
            try (Connection c = DriverManager.getConnection(owner.jdbcUrl()); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT 1")) {
                assertTrue(rs.next(), "closing the attached one left the owner's server up");
            }
        }
        assertEquals(-1, EmbeddedDatabase.runningServerPort(dir.toAbsolutePath()), "the owner stopped it");
    }
}
