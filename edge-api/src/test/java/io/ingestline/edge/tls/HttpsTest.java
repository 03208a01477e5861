package io.ingestline.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpsTest {
    @TempDir
    Path dir;

    @Test
    void serves_https_from_pem_files_with_pkcs8_and_pkcs1_keys() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        X509Certificate cert = selfSigned(pair);
        Path certFile = pem(dir.resolve("cert.pem"), "CERTIFICATE", cert.getEncoded());
        Path pkcs8 = pem(dir.resolve("key.pem"), "PRIVATE KEY", pair.getPrivate().getEncoded());
        Path pkcs1 = pem(dir.resolve("rsa.pem"), "RSA PRIVATE KEY",
                PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded());

        for (Path key : new Path[] {pkcs8, pkcs1}) {
            Javalin app = Javalin.create(config -> {
                config.startup.showJavalinBanner = false;
                new Listeners("127.0.0.1", -1, 0, certFile, key).apply(config);
                config.routes.get("/health", ctx -> ctx.result("ok"));
            }).start();
            try {
                int port = Listeners.port(app.jettyServer().server(), Listeners.HTTPS);
                assertThat(Listeners.port(app.jettyServer().server(), Listeners.HTTP)).isEqualTo(-1);
                HttpResponse<String> r = trusting(cert).send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("ok");
            } finally {
                app.stop();
            }
        }
    }

    @Test
    void the_limits_on_slow_clients_apply_over_https_too() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        X509Certificate cert = selfSigned(pair);
        Path certFile = pem(dir.resolve("cert.pem"), "CERTIFICATE", cert.getEncoded());
        Path key = pem(dir.resolve("key.pem"), "PRIVATE KEY", pair.getPrivate().getEncoded());
        Listeners.Limits limits = new Listeners.Limits(java.time.Duration.ofSeconds(1), 1024, 64, 2048);
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            new Listeners("127.0.0.1", -1, 0, certFile, key, limits).apply(config);
            config.routes.get("/health", ctx -> ctx.result("ok"));
        }).start();
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) context(cert).getSocketFactory().createSocket(
                "localhost", Listeners.port(app.jettyServer().server(), Listeners.HTTPS))) {
            s.setSoTimeout(30_000);
            s.startHandshake();
            // headers a byte every 100 ms, never complete: cut off about a second after the first byte
            String head = "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + "a".repeat(1000);
            assertThatThrownBy(() -> {
                for (int i = 0; i < head.length(); i++) {
                    s.getOutputStream().write(head.charAt(i));
                    s.getOutputStream().flush();
                    Thread.sleep(100);
                }
            }).isInstanceOf(java.io.IOException.class);
            HttpResponse<String> tooBig = trusting(cert).send(HttpRequest.newBuilder(URI.create("https://localhost:"
                    + Listeners.port(app.jettyServer().server(), Listeners.HTTPS) + "/health"))
                    .header("X-Big", "b".repeat(4096)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(tooBig.statusCode()).isEqualTo(431);
            assertThat(tooBig.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                    .startsWith("application/json"));
            assertThat(tooBig.body()).startsWith("{\"message\":");
        } finally {
            app.stop();
        }
    }

    @Test
    void explains_what_is_wrong_with_the_files() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here");
        KeyPair pair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        Path certFile = pem(dir.resolve("cert.pem"), "CERTIFICATE", selfSigned(pair).getEncoded());
        assertThatThrownBy(() -> PemKeyStore.load(certFile, empty, new char[0])).hasMessageContaining("no PKCS#8");
        Path encrypted = pem(dir.resolve("enc.pem"), "ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3});
        assertThatThrownBy(() -> PemKeyStore.load(certFile, encrypted, new char[0])).hasMessageContaining("encrypted");
        assertThatThrownBy(() -> PemKeyStore.load(dir.resolve("missing.pem"), empty, new char[0]))
                .hasMessageContaining("cannot read");
        assertThatThrownBy(() -> new Listeners("127.0.0.1", -1, -1, null, null)).hasMessageContaining("neither");
    }

    private static X509Certificate selfSigned(KeyPair pair) throws Exception {
        X500Name name = new X500Name("CN=localhost");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(1, ChronoUnit.DAYS)), name, pair.getPublic());
        builder.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
                new org.bouncycastle.asn1.x509.GeneralNames(new org.bouncycastle.asn1.x509.GeneralName(
                        org.bouncycastle.asn1.x509.GeneralName.dNSName, "localhost")));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
    }

    private static Path pem(Path file, String type, byte[] der) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(new PemObject(type, der));
        }
        return Files.writeString(file, out.toString());
    }

    private static HttpClient trusting(X509Certificate cert) throws Exception {
        return HttpClient.newBuilder().sslContext(context(cert)).build();
    }

    private static SSLContext context(X509Certificate cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("edge", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }
}
