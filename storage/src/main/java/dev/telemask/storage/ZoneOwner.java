package dev.telemask.storage;

import java.util.Objects;

/**
 * The driver credential that placed a driver's zone, and the only one that may move, resize or remove it: a driver
 * token (its id), or a driver user (its id and the credential epoch it was in; an admin's reset of the user's
 * password starts a new one). A zone without an owner (placed before owners were kept) is nobody's.
 *
 * @param epoch the user's credential epoch; null for a token
 */
public record ZoneOwner(Kind kind, long id, Long epoch) {
    /** What kind of credential placed the zone; the name stored in {@code device_zones.owner_kind}. */
    public enum Kind {
        USER("user"), TOKEN("token");

        private final String dbName;

        Kind(String dbName) {
            this.dbName = dbName;
        }

        public String dbName() {
            return dbName;
        }

        /** The kind stored as {@code name}, or null for null. */
        public static Kind parse(String name) {
            for (Kind kind : values()) {
                if (kind.dbName.equals(name)) {
                    return kind;
                }
            }
            if (name == null) {
                return null;
            }
            throw new IllegalArgumentException("no zone owner kind " + name);
        }
    }

    public ZoneOwner {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.USER) != (epoch != null)) {
            throw new IllegalArgumentException("a user owner has an epoch, a token owner none");
        }
    }

    /** Driver user {@code id} in credential epoch {@code epoch}. */
    public static ZoneOwner user(long id, long epoch) {
        return new ZoneOwner(Kind.USER, id, epoch);
    }

    /** Driver token {@code id}. */
    public static ZoneOwner token(long id) {
        return new ZoneOwner(Kind.TOKEN, id, null);
    }
}
