package dev.telemask.gateway.config;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The networks devices may connect from ({@code device.allowed-networks}): IPv4 and IPv6 prefixes such as
 * {@code 10.64.0.0/10} or {@code 2001:db8::/32}, or single addresses. The Teltonika protocol carries no credential,
 * so whoever reaches the device port may send under any IMEI; where the trackers come through a private APN or a
 * known carrier range, this list keeps everyone else out before a byte is read. An IPv4 address reaching an IPv6
 * socket (::ffff:a.b.c.d) is matched as the IPv4 address it is. Empty: every source. Immutable; any thread.
 */
public final class SourceNetworks {
    /** No list: every source may connect. */
    public static final SourceNetworks ANY = new SourceNetworks(List.of(), List.of());

    private final byte[][] prefixes;
    private final int[] bits;
    private final String text;

    private SourceNetworks(List<byte[]> prefixes, List<Integer> bits) {
        this.prefixes = prefixes.toArray(new byte[0][]);
        this.bits = bits.stream().mapToInt(Integer::intValue).toArray();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < this.prefixes.length; i++) {
            parts.add(NetUtil.bytesToIpAddress(this.prefixes[i]) + "/" + this.bits[i]);
        }
        this.text = String.join(", ", parts);
    }

    /**
     * Parses a comma-separated list; {@code key} names the setting in the messages. A prefix with bits set beyond
     * its length (10.1.0.0/8) is refused rather than read as its network: it is more often a typo than meant.
     */
    public static SourceNetworks parse(String key, String value) {
        if (value == null || value.isBlank()) {
            return ANY;
        }
        List<byte[]> prefixes = new ArrayList<>();
        List<Integer> bits = new ArrayList<>();
        for (String raw : value.split(",")) {
            String part = raw.strip();
            if (part.isEmpty()) {
                continue;
            }
            int slash = part.indexOf('/');
            String address = slash < 0 ? part : part.substring(0, slash);
            byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
            if (bytes == null || address.indexOf('%') >= 0) {
                throw new ConfigException(key + ": '" + part + "' is not an IPv4 or IPv6 address or network such as"
                        + " 10.64.0.0/10 or 2001:db8::/32");
            }
            bytes = unmapped(bytes);
            int width = bytes.length * 8;
            int length = width;
            if (slash >= 0) {
                String suffix = part.substring(slash + 1);
                if (!suffix.matches("[0-9]{1,3}") || Integer.parseInt(suffix) > width) {
                    throw new ConfigException(key + ": '" + part + "' needs a prefix length from 0 to " + width
                            + " after the '/'");
                }
                length = Integer.parseInt(suffix);
            }
            if (!hostBitsClear(bytes, length)) {
                byte[] network = bytes.clone();
                clearHostBits(network, length);
                throw new ConfigException(key + ": '" + part + "' has bits set beyond its /" + length + " prefix;"
                        + " the network is " + NetUtil.bytesToIpAddress(network) + "/" + length);
            }
            prefixes.add(bytes);
            bits.add(length);
        }
        return prefixes.isEmpty() ? ANY : new SourceNetworks(prefixes, bits);
    }

    /** Whether a connection or datagram from {@code source} may be read. */
    public boolean allows(InetAddress source) {
        if (prefixes.length == 0) {
            return true;
        }
        if (source == null) {
            return false;
        }
        byte[] address = unmapped(source.getAddress());
        for (int i = 0; i < prefixes.length; i++) {
            if (prefixes[i].length == address.length && matches(prefixes[i], bits[i], address)) {
                return true;
            }
        }
        return false;
    }

    /** Whether every source may connect. */
    public boolean isAny() {
        return prefixes.length == 0;
    }

    private static boolean matches(byte[] prefix, int bits, byte[] address) {
        int whole = bits / 8;
        for (int i = 0; i < whole; i++) {
            if (prefix[i] != address[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (prefix[whole] & mask) == (address[whole] & mask);
    }

    /** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as its four bytes; any other address as it is. */
    private static byte[] unmapped(byte[] address) {
        if (address.length != 16 || address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
            return address;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return address;
            }
        }
        return new byte[] {address[12], address[13], address[14], address[15]};
    }

    private static boolean hostBitsClear(byte[] address, int bits) {
        byte[] network = address.clone();
        clearHostBits(network, bits);
        return java.util.Arrays.equals(network, address);
    }

    private static void clearHostBits(byte[] address, int bits) {
        for (int i = 0; i < address.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            address[i] &= (byte) (0xff << (8 - keep));
        }
    }

    /** The networks as {@code 10.64.0.0/10, 2001:db8::/32}, or "any" when every source may connect. */
    @Override
    public String toString() {
        return prefixes.length == 0 ? "any" : text;
    }
}
