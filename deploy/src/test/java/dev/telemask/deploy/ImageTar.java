package dev.telemask.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The small files of a {@code docker save}-format tarball (as Jib's buildTar writes it): manifest and config, read
 * without unpacking the layers. A plain ustar reader, because that is all Jib writes at the top level.
 */
final class ImageTar {
    private static final int BLOCK = 512;

    private ImageTar() {}

    /** Entries named in {@code wanted} with their content; large entries (layers) are skipped unread. */
    static Map<String, byte[]> read(Path tar, java.util.Set<String> wanted) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(tar)) {
            byte[] header = new byte[BLOCK];
            while (in.readNBytes(header, 0, BLOCK) == BLOCK && header[0] != 0) {
                String name = text(header, 0, 100);
                String prefix = text(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
                long size = Long.parseLong(text(header, 124, 12).trim(), 8);
                long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
                if (wanted.contains(name)) {
                    out.put(name, in.readNBytes((int) size));
                    in.skipNBytes(padded - size);
                } else {
                    in.skipNBytes(padded);
                }
            }
        }
        return out;
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }
}
