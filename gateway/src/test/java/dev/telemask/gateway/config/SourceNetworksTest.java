package dev.telemask.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** {@code device.allowed-networks}: what it lets in at the edges of its prefixes, and the messages of bad lists. */
class SourceNetworksTest {
    private static final String KEY = "device.allowed-networks";

    private static InetAddress at(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private static String refusal(String value) {
        return assertThrows(ConfigException.class, () -> SourceNetworks.parse(KEY, value)).getMessage();
    }

    @Test
    void anEmptyListLetsEverySourceIn() throws Exception {
        assertSame(SourceNetworks.ANY, SourceNetworks.parse(KEY, ""));
        assertSame(SourceNetworks.ANY, SourceNetworks.parse(KEY, " , "));
        assertTrue(SourceNetworks.ANY.allows(at("203.0.113.9")));
        assertTrue(SourceNetworks.ANY.allows(at("2001:db8::1")));
        assertEquals("any", SourceNetworks.ANY.toString());
    }

    @Test
    void aPrefixHoldsExactlyItsAddresses() throws Exception {
        SourceNetworks apn = SourceNetworks.parse(KEY, "10.64.0.0/10, 192.0.2.7, 2001:db8:40::/42");
        assertTrue(apn.allows(at("10.64.0.0")));
        assertTrue(apn.allows(at("10.127.255.255")));
        assertFalse(apn.allows(at("10.63.255.255")));
        assertFalse(apn.allows(at("10.128.0.0")));
        assertTrue(apn.allows(at("192.0.2.7")), "a single address is its own /32");
        assertFalse(apn.allows(at("192.0.2.8")));
        assertTrue(apn.allows(at("2001:db8:40::1")));
        assertTrue(apn.allows(at("2001:db8:7f:ffff::1")));
        assertFalse(apn.allows(at("2001:db8:80::1")));
        assertFalse(apn.allows(at("2001:db8:3f:ffff::1")));
        assertFalse(apn.allows(null), "a source that cannot be told is not let in");
        assertEquals("10.64.0.0/10, 192.0.2.7/32, 2001:db8:40::/42", apn.toString());
    }

    @Test
    void anIpv4DeviceReachingAnIpv6SocketIsMatchedAsItsIpv4Address() throws Exception {
        SourceNetworks v4 = SourceNetworks.parse(KEY, "10.64.0.0/10");
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 10;
        mapped[13] = 65;
        assertTrue(v4.allows(java.net.Inet6Address.getByAddress(null, mapped, -1)));
        mapped[12] = 11;
        assertFalse(v4.allows(java.net.Inet6Address.getByAddress(null, mapped, -1)));
        assertFalse(SourceNetworks.parse(KEY, "::/0").allows(at("10.65.0.1")), "an IPv6 prefix holds no IPv4 source");
        assertTrue(SourceNetworks.parse(KEY, "0.0.0.0/0").allows(at("203.0.113.9")));
    }

    @Test
    void aBadEntryIsNamedWithWhatWouldBeRight() {
        assertEquals(KEY + ": 'apn.example.com' is not an IPv4 or IPv6 address or network such as 10.64.0.0/10"
                + " or 2001:db8::/32", refusal("10.0.0.0/8, apn.example.com"));
        assertEquals(KEY + ": '10.0.0.0/33' needs a prefix length from 0 to 32 after the '/'", refusal("10.0.0.0/33"));
        assertEquals(KEY + ": '2001:db8::/129' needs a prefix length from 0 to 128 after the '/'",
                refusal("2001:db8::/129"));
        assertEquals(KEY + ": '10.0.0.0/' needs a prefix length from 0 to 32 after the '/'", refusal("10.0.0.0/"));
        assertEquals(KEY + ": '10.0.0.0/-1' needs a prefix length from 0 to 32 after the '/'", refusal("10.0.0.0/-1"));
        assertEquals(KEY + ": '10.65.0.0/10' has bits set beyond its /10 prefix; the network is 10.64.0.0/10",
                refusal("10.65.0.0/10"));
        assertTrue(refusal("10.0.0.300").contains("'10.0.0.300' is not an IPv4 or IPv6 address"));
    }
}
