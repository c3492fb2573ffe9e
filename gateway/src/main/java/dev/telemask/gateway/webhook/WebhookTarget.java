package dev.telemask.gateway.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Where a webhook may be delivered: an {@code https://} host whose every address is public, or {@code http://} to a
 * loopback address (a receiver on the gateway's own machine). A fleet admin must not be able to aim deliveries, and
 * the errors they report, at the gateway's private network (its database, a cloud metadata service, other services
 * on loopback), so the host is resolved and checked before each delivery.
 */
public final class WebhookTarget {
    private WebhookTarget() {}

    /** Why {@code url} may not be delivered to now, or null when it may. */
    public static String refusal(URI url) {
        String host = url.getHost();
        if (host == null) {
            return "no host";
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            return "host not found";
        }
        boolean http = "http".equalsIgnoreCase(url.getScheme());
        for (InetAddress address : addresses) {
            if (http ? !address.isLoopbackAddress() : !isPublic(address)) {
                return http ? "plain http only to a loopback address" : "the host is not a public address";
            }
        }
        return null;
    }

    /** Not loopback, private (RFC 1918, fc00::/7), link-local, carrier-grade NAT, multicast or unspecified. */
    static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (b.length == 4) {
            int first = b[0] & 0xFF;
            int second = b[1] & 0xFF;
            return first != 0 && !(first == 100 && second >= 64 && second < 128) // 100.64/10
                    && !(first == 192 && second == 0 && (b[2] & 0xFF) == 0) && first < 224;
        }
        return (b[0] & 0xFE) != 0xFC; // fc00::/7
    }
}
