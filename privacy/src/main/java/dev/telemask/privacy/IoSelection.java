package dev.telemask.privacy;

import java.util.Set;
import java.util.TreeSet;

/** The IO element IDs a policy keeps: all of them, or the listed ones. */
public record IoSelection(boolean all, Set<Integer> ids) {
    public static final IoSelection ALL = new IoSelection(true, Set.of());

    public IoSelection {
        ids = all ? Set.of() : java.util.Collections.unmodifiableSet(new TreeSet<>(ids));
    }

    public static IoSelection only(Set<Integer> ids) {
        return new IoSelection(false, ids);
    }
}
