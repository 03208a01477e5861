package io.ingestline.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** HTTPS from PEM files: every key form operators have, certificate chains, and real handshakes with the JDK client. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpsTest {
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path dir;

    /** A way to write a key pair's private key; the password it takes, if any. */
    enum KeyForm {
        RSA_PKCS1("RSA", null, p -> TestKeys.pkcs1(p.getPrivate())),
        RSA_PKCS8("RSA", null, p -> TestKeys.pkcs8(p.getPrivate())),
        EC_SEC1("EC", null, p -> TestKeys.sec1(p.getPrivate(), p.getPublic(), false)),
        EC_SEC1_AFTER_EC_PARAMETERS("EC", null, p -> TestKeys.sec1(p.getPrivate(), p.getPublic(), true)),
        EC_PKCS8("EC", null, p -> TestKeys.pkcs8(p.getPrivate())),
        ED25519_PKCS8("Ed25519", null, p -> TestKeys.pkcs8(p.getPrivate())),
        ED448_PKCS8("Ed448", null, p -> TestKeys.pkcs8(p.getPrivate())),
        RSA_ENCRYPTED_PKCS8("RSA", PASSWORD, p -> TestKeys.encryptedPkcs8(p.getPrivate(), PASSWORD)),
        EC_ENCRYPTED_PKCS8("EC", PASSWORD, p -> TestKeys.encryptedPkcs8(p.getPrivate(), PASSWORD)),
        RSA_ENCRYPTED_PKCS8_SCRYPT("RSA", PASSWORD, p -> TestKeys.scryptEncryptedPkcs8(p.getPrivate(), PASSWORD)),
        RSA_LEGACY_ENCRYPTED("RSA", PASSWORD, p -> TestKeys.legacyEncrypted(p.getPrivate(), p.getPublic(), PASSWORD)),
        EC_LEGACY_ENCRYPTED("EC", PASSWORD, p -> TestKeys.legacyEncrypted(p.getPrivate(), p.getPublic(), PASSWORD));

        final String algorithm;
        final String password;
        final Writer writer;

        KeyForm(String algorithm, String password, Writer writer) {
            this.algorithm = algorithm;
            this.password = password;
            this.writer = writer;
        }

        interface Writer {
            String write(KeyPair pair) throws Exception;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(KeyForm.class)
    void serves_https_with_every_form_of_key(KeyForm form) throws Exception {
        KeyPair pair = TestKeys.generate(form.algorithm);
        X509Certificate cert = TestKeys.selfSigned(pair);
        Path certFile = Files.writeString(dir.resolve("cert.pem"), TestKeys.certificates(cert));
        Path keyFile = Files.writeString(dir.resolve("key.pem"), form.writer.write(pair));

        HttpResponse<String> r = get(new TlsFiles(certFile, keyFile, form.password), context(cert));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
        assertThat(r.sslSession()).hasValueSatisfying(s -> assertThat(uncheckedPeer(s)).isEqualTo(cert));
    }

    @Test
    void serves_the_whole_chain_so_a_client_trusting_only_the_root_connects() throws Exception {
        KeyPair root = TestKeys.generate("EC");
        KeyPair intermediate = TestKeys.generate("RSA");
        KeyPair leaf = TestKeys.generate("EC");
        X509Certificate rootCert = TestKeys.certificate("CN=Test Root", root.getPublic(), "CN=Test Root",
                root.getPrivate(), true);
        X509Certificate intermediateCert = TestKeys.certificate("CN=Test Intermediate", intermediate.getPublic(),
                "CN=Test Root", root.getPrivate(), true);
        X509Certificate leafCert = TestKeys.certificate("CN=localhost", leaf.getPublic(), "CN=Test Intermediate",
                intermediate.getPrivate(), false);
        // certbot's fullchain.pem: the leaf, then the intermediate
        Path chain = Files.writeString(dir.resolve("fullchain.pem"), TestKeys.certificates(leafCert, intermediateCert));
        Path key = Files.writeString(dir.resolve("privkey.pem"), TestKeys.pkcs8(leaf.getPrivate()));

        HttpResponse<String> r = get(new TlsFiles(chain, key), context(rootCert));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.sslSession()).hasValueSatisfying(s -> assertThat(uncheckedPeer(s)).isEqualTo(leafCert));

        Path leafOnly = Files.writeString(dir.resolve("cert.pem"), TestKeys.certificates(leafCert));
        assertThatThrownBy(() -> get(new TlsFiles(leafOnly, key), context(rootCert)))
                .as("without the intermediate the root's client cannot build a path")
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void reads_the_certificate_and_the_key_from_one_file() throws Exception {
        KeyPair pair = TestKeys.generate("EC");
        X509Certificate cert = TestKeys.selfSigned(pair);
        Path both = Files.writeString(dir.resolve("both.pem"), "Bag Attributes\n    friendlyName: edge\n"
                + TestKeys.certificates(cert) + TestKeys.sec1(pair.getPrivate(), pair.getPublic(), true));

        assertThat(get(new TlsFiles(both, both), context(cert)).statusCode()).isEqualTo(200);
    }

    @Test
    void the_limits_on_slow_clients_apply_over_https_too() throws Exception {
        KeyPair pair = TestKeys.generate("RSA");
        X509Certificate cert = TestKeys.selfSigned(pair);
        Path certFile = Files.writeString(dir.resolve("cert.pem"), TestKeys.certificates(cert));
        Path key = Files.writeString(dir.resolve("key.pem"), TestKeys.pkcs8(pair.getPrivate()));
        Listeners.Limits limits = new Listeners.Limits(java.time.Duration.ofSeconds(1), 1024, 64, 2048);
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            new Listeners("127.0.0.1", -1, 0, new TlsFiles(certFile, key), limits).apply(config);
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

    /** Starts HTTPS only from the files, answers one GET /health with the client trusting what it is given. */
    private static HttpResponse<String> get(TlsFiles tls, SSLContext trust) throws Exception {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            new Listeners("127.0.0.1", -1, 0, tls).apply(config);
            config.routes.get("/health", ctx -> ctx.result("ok"));
        }).start();
        try {
            assertThat(Listeners.port(app.jettyServer().server(), Listeners.HTTP)).isEqualTo(-1);
            int port = Listeners.port(app.jettyServer().server(), Listeners.HTTPS);
            return HttpClient.newBuilder().sslContext(trust).build().send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        } finally {
            app.stop();
        }
    }

    private static X509Certificate uncheckedPeer(SSLSession s) {
        try {
            return (X509Certificate) s.getPeerCertificates()[0];
        } catch (SSLPeerUnverifiedException e) {
            throw new AssertionError(e);
        }
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
