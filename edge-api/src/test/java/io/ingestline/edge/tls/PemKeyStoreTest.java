package io.ingestline.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the edge refuses to start with, and that each refusal says what is wrong and with which file. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PemKeyStoreTest {
    @TempDir
    Path dir;
    private KeyPair pair;
    private Path certFile;

    @BeforeEach
    void certificate() throws Exception {
        pair = TestKeys.generate("EC");
        certFile = Files.writeString(dir.resolve("cert.pem"), TestKeys.certificates(TestKeys.selfSigned(pair)));
    }

    @Test
    void an_encrypted_key_opens_with_its_password_only() throws Exception {
        Path key = Files.writeString(dir.resolve("key.pem"), TestKeys.encryptedPkcs8(pair.getPrivate(), "s3cret pass"));

        KeyStore ks = PemKeyStore.load(certFile, key, "s3cret pass");
        assertThat(ks.getKey(PemKeyStore.ALIAS, PemKeyStore.STORE_PASSWORD.toCharArray()).getEncoded())
                .isEqualTo(pair.getPrivate().getEncoded());
        assertThatThrownBy(() -> PemKeyStore.load(certFile, key, "wrong"))
                .hasMessageContaining("cannot decrypt the private key in " + key)
                .hasMessageContaining("wrong password in INGEST_TLS_KEY_PASSWORD");
        assertThatThrownBy(() -> PemKeyStore.load(certFile, key, "s3cret pass "))
                .as("a password is taken exactly").hasMessageContaining("cannot decrypt");
        assertThatThrownBy(() -> PemKeyStore.load(certFile, key, null))
                .hasMessage("the private key in " + key + " is encrypted: set its password in INGEST_TLS_KEY_PASSWORD");
    }

    @Test
    void a_legacy_encrypted_key_refuses_the_wrong_password() throws Exception {
        Path key = Files.writeString(dir.resolve("key.pem"),
                TestKeys.legacyEncrypted(pair.getPrivate(), pair.getPublic(), "right"));

        assertThat(PemKeyStore.load(certFile, key, "right").containsAlias(PemKeyStore.ALIAS)).isTrue();
        assertThatThrownBy(() -> PemKeyStore.load(certFile, key, "wrong")).hasMessageContaining("cannot decrypt");
    }

    @Test
    void a_password_for_a_key_that_is_not_encrypted_is_a_mistake() throws Exception {
        Path key = Files.writeString(dir.resolve("key.pem"), TestKeys.pkcs8(pair.getPrivate()));

        assertThatThrownBy(() -> PemKeyStore.load(certFile, key, "unneeded"))
                .hasMessageContaining(key + " is not encrypted, yet INGEST_TLS_KEY_PASSWORD is set");
    }

    @Test
    void a_key_that_is_not_the_certificates_is_refused_naming_both_files() throws Exception {
        Path otherEc = Files.writeString(dir.resolve("other-ec.pem"),
                TestKeys.pkcs8(TestKeys.generate("EC").getPrivate()));
        Path rsa = Files.writeString(dir.resolve("rsa.pem"), TestKeys.pkcs1(TestKeys.generate("RSA").getPrivate()));
        Path ed = Files.writeString(dir.resolve("ed.pem"), TestKeys.pkcs8(TestKeys.generate("Ed25519").getPrivate()));

        assertThatThrownBy(() -> PemKeyStore.load(certFile, otherEc, null)).hasMessage("the private key in " + otherEc
                + " (EC) does not match the first certificate in " + certFile
                + " (EC, CN=localhost): the key and the certificate do not belong together");
        assertThatThrownBy(() -> PemKeyStore.load(certFile, rsa, null))
                .hasMessageContaining("the private key in " + rsa + " (RSA) does not match the first certificate in "
                        + certFile + " (EC, CN=localhost)");
        assertThatThrownBy(() -> PemKeyStore.load(certFile, ed, null)).hasMessageContaining("does not match");
    }

    @Test
    void a_chain_with_the_leaf_not_first_is_refused_with_the_fix() throws Exception {
        KeyPair ca = TestKeys.generate("RSA");
        X509Certificate caCert = TestKeys.certificate("CN=CA", ca.getPublic(), "CN=CA", ca.getPrivate(), true);
        X509Certificate leaf = TestKeys.certificate("CN=localhost", pair.getPublic(), "CN=CA", ca.getPrivate(), false);
        Path reversed = Files.writeString(dir.resolve("reversed.pem"), TestKeys.certificates(caCert, leaf));
        Path key = Files.writeString(dir.resolve("key.pem"), TestKeys.pkcs8(pair.getPrivate()));

        assertThatThrownBy(() -> PemKeyStore.load(reversed, key, null))
                .hasMessageContaining("does not match the first certificate in " + reversed + " (RSA, CN=CA)")
                .hasMessageEndingWith("the key is certificate 2's in that file: put the leaf certificate first");
        Path ordered = Files.writeString(dir.resolve("ordered.pem"), TestKeys.certificates(leaf, caCert));
        assertThat(PemKeyStore.load(ordered, key, null).getCertificateChain(PemKeyStore.ALIAS)).hasSize(2);
    }

    @Test
    void garbage_empty_and_missing_files_are_explained() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"),
                "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        Path badBase64 = Files.writeString(dir.resolve("bad.pem"),
                "-----BEGIN EC PRIVATE KEY-----\n!!!!\n-----END EC PRIVATE KEY-----\n");
        Path key = Files.writeString(dir.resolve("key.pem"), TestKeys.pkcs8(pair.getPrivate()));
        Path twoKeys = Files.writeString(dir.resolve("two.pem"), TestKeys.pkcs8(pair.getPrivate())
                + TestKeys.pkcs8(TestKeys.generate("EC").getPrivate()));

        assertThatThrownBy(() -> PemKeyStore.load(certFile, empty, null))
                .hasMessageStartingWith("no private key in " + empty);
        assertThatThrownBy(() -> PemKeyStore.load(certFile, garbage, null))
                .hasMessageStartingWith("cannot read the private key in " + garbage);
        assertThatThrownBy(() -> PemKeyStore.load(certFile, badBase64, null))
                .hasMessageStartingWith("cannot read the private key in " + badBase64);
        assertThatThrownBy(() -> PemKeyStore.load(certFile, twoKeys, null))
                .hasMessage("more than one private key in " + twoKeys);
        assertThatThrownBy(() -> PemKeyStore.load(key, key, null))
                .hasMessage("no certificate (BEGIN CERTIFICATE) in " + key);
        assertThatThrownBy(() -> PemKeyStore.load(dir.resolve("missing.pem"), key, null))
                .hasMessage("cannot read the certificate chain in " + dir.resolve("missing.pem") + ": no such file");
        assertThatThrownBy(() -> PemKeyStore.load(certFile, dir.resolve("missing.pem"), null))
                .hasMessage("cannot read the private key in " + dir.resolve("missing.pem") + ": no such file");
        Path dsa = Files.writeString(dir.resolve("dsa.pem"), TestKeys.pkcs8(TestKeys.generate("DSA").getPrivate()));
        assertThatThrownBy(() -> PemKeyStore.load(certFile, dsa, null))
                .hasMessage("the private key in " + dsa + " is DSA: HTTPS takes RSA, EC, Ed25519 and Ed448 keys");
        assertThatThrownBy(() -> new Listeners("127.0.0.1", -1, -1, null)).hasMessageContaining("neither");
    }

    @Test
    void the_server_does_not_start_with_a_mismatched_key() throws Exception {
        Path other = Files.writeString(dir.resolve("other.pem"), TestKeys.pkcs8(TestKeys.generate("EC").getPrivate()));

        assertThatThrownBy(() -> Javalin.create(config -> new Listeners("127.0.0.1", -1, 0, new TlsFiles(certFile, other))
                .apply(config))).hasMessageContaining("does not match the first certificate in " + certFile);
    }
}
