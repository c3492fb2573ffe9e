package dev.telemask.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.telemask.codec.TcpAvlCodec;
import dev.telemask.simulator.DeviceClient;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;

/** The device port with TLS from a PEM certificate and key, as Teltonika devices use it. */
class TlsIngestIT extends GatewayTestBase {
    private static final X509Bundle CERTIFICATE = selfSigned();

    private static X509Bundle selfSigned() {
        try {
            return new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
                    .addSanIpAddress("127.0.0.1").setIsCertificateAuthority(true).buildSelfSigned();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    TestDatabase database() {
        return TestDatabase.EMBEDDED;
    }

    @Override
    Map<String, String> configuration() {
        try {
            return Map.of("device.tls.certificate", CERTIFICATE.toTempCertChainPem().getPath(),
                    "device.tls.key", CERTIFICATE.toTempPrivateKeyPem().getPath());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every device of this class speaks TLS, trusting the test certificate. */
    @Override
    DeviceClient connect(long imei) throws Exception {
        DeviceClient client = new DeviceClient(trusting().getSocketFactory(), gateway.devicePort());
        assertEquals(TcpAvlCodec.HANDSHAKE_ACCEPTED, client.handshake(imei), "registered device accepted over TLS");
        return client;
    }

    private static SSLContext trusting() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, CERTIFICATE.toTrustManagerFactory().getTrustManagers(), null);
        return context;
    }

    @Test
    void aPlainTextDeviceGetsNoAnswer() throws Exception {
        try (DeviceClient plain = new DeviceClient(gateway.devicePort())) {
            assertThrows(IOException.class, () -> plain.handshake(device(officePolicy)),
                    "TLS is required on this port: the plain handshake is not a TLS record");
        }
    }

    @Test
    void aTlsDeviceIsAcknowledged() throws Exception {
        long imei = device(officePolicy);
        try (DeviceClient device = connect(imei)) {
            device.sendFrame(Drives.driving(T0, 2));
            assertEquals(2, device.readAck());
        }
        assertEquals(2, count(imei));
    }
}
