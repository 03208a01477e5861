package io.ingestline.edge.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;

/**
 * Builds an in-memory key store from PEM files, read with BouncyCastle's {@link PEMParser}: a certificate chain (leaf
 * first, then intermediates) and its private key in any form OpenSSL and ACME clients write: PKCS#8
 * ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519, Ed448), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}), SEC1 EC
 * ({@code BEGIN EC PRIVATE KEY}, with or without the {@code EC PARAMETERS} block before it), encrypted PKCS#8
 * ({@code BEGIN ENCRYPTED PRIVATE KEY}) and OpenSSL's legacy encrypted PEM ({@code Proc-Type: 4,ENCRYPTED}, what
 * {@code openssl genrsa -aes256} wrote before OpenSSL 3) with a password: PBES2 (PBKDF2 or scrypt; AES, 3DES) and
 * PKCS#12 PBES1 schemes. Blocks of other kinds are skipped, so one file may hold both the chain and the key. The key
 * must be the leaf certificate's: a mismatch is refused here, at start-up, rather than as failed handshakes later.
 */
public final class PemKeyStore {
    public static final String ALIAS = "edge";
    /** The entry's password inside the in-memory store; the store never leaves the process. */
    public static final String STORE_PASSWORD = "";
    private static final String PASSWORD_SETTING = "INGEST_TLS_KEY_PASSWORD";

    private PemKeyStore() {
    }

    /**
     * @param password the key's password, or null when the key is not encrypted
     * @throws IllegalArgumentException with what is wrong with the files, naming them
     */
    public static KeyStore load(Path certificateChain, Path privateKey, String password) {
        List<X509Certificate> chain = chain(certificateChain);
        PrivateKey key = privateKey(privateKey, password);
        checkPair(chain, certificateChain, key, privateKey);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, key, STORE_PASSWORD.toCharArray(), chain.toArray(new X509Certificate[0]));
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the key in " + privateKey + " with the certificate in "
                    + certificateChain + ": " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> chain(Path file) {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object o : blocks(file, "certificate chain")) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    chain.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new IllegalArgumentException("cannot read certificate " + (chain.size() + 1) + " in " + file
                            + ": " + e.getMessage(), e);
                }
            }
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("no certificate (BEGIN CERTIFICATE) in " + file);
        }
        return List.copyOf(chain);
    }

    private static PrivateKey privateKey(Path file, String password) {
        List<Object> keys = blocks(file, "private key").stream().filter(PemKeyStore::isKey).toList();
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no private key in " + file + " (PEM: BEGIN PRIVATE KEY, "
                    + "RSA PRIVATE KEY, EC PRIVATE KEY or ENCRYPTED PRIVATE KEY)");
        }
        if (keys.size() > 1) {
            throw new IllegalArgumentException("more than one private key in " + file);
        }
        return convert(keys.get(0), file, password);
    }

    /** Every PEM block of the file, parsed; text around them is skipped. */
    private static List<Object> blocks(Path file, String what) {
        List<Object> out = new ArrayList<>();
        // Latin-1 never fails to decode: text around the blocks (openssl's "Bag Attributes") may be anything.
        try (PEMParser pem = new PEMParser(Files.newBufferedReader(file, StandardCharsets.ISO_8859_1))) {
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                out.add(o);
            }
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports bad base64 and bad ASN.1 with unchecked exceptions; the JDK's file errors say only
            // the file's name
            String why = e instanceof NoSuchFileException ? "no such file"
                    : e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
            throw new IllegalArgumentException("cannot read the " + what + " in " + file + ": " + why, e);
        }
        return out;
    }

    private static boolean isKey(Object o) {
        return o instanceof PrivateKeyInfo || o instanceof PEMKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo
                || o instanceof PEMEncryptedKeyPair;
    }

    private static PrivateKey convert(Object key, Path file, String password) {
        boolean encrypted = key instanceof PKCS8EncryptedPrivateKeyInfo || key instanceof PEMEncryptedKeyPair;
        if (encrypted && password == null) {
            throw new IllegalArgumentException("the private key in " + file + " is encrypted: set its password in "
                    + PASSWORD_SETTING);
        }
        if (!encrypted && password != null) {
            throw new IllegalArgumentException("the private key in " + file + " is not encrypted, yet "
                    + PASSWORD_SETTING + " is set: unset it, or give the encrypted key");
        }
        Object plain = encrypted ? decrypt(key, file, password) : key;
        // the JDK's own providers make the key: TLS signs with them
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try {
            return plain instanceof PEMKeyPair pair ? converter.getKeyPair(pair).getPrivate()
                    : converter.getPrivateKey((PrivateKeyInfo) plain);
        } catch (PEMException | RuntimeException e) {
            // BouncyCastle reports bad ASN.1 with unchecked exceptions
            throw new IllegalArgumentException("cannot read the private key in " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * BouncyCastle's provider decrypts: it knows every cipher and key derivation OpenSSL writes. It is used here only,
     * never installed for the whole JVM. PKCS#8 goes through the PKCS builder rather than the OpenSSL one, which in
     * 1.78 reads PBKDF2 only and fails on {@code openssl pkcs8 -scrypt} keys.
     */
    private static Object decrypt(Object key, Path file, String password) {
        char[] secret = password.toCharArray();
        try {
            if (key instanceof PKCS8EncryptedPrivateKeyInfo enc) {
                return enc.decryptPrivateKeyInfo(new JcePKCSPBEInputDecryptorProviderBuilder()
                        .setProvider(new BouncyCastleProvider()).build(secret));
            }
            return ((PEMEncryptedKeyPair) key).decryptKeyPair(new JcePEMDecryptorProviderBuilder()
                    .setProvider(new BouncyCastleProvider()).build(secret));
        } catch (PKCSException | IOException e) {
            throw new IllegalArgumentException("cannot decrypt the private key in " + file + ": wrong password in "
                    + PASSWORD_SETTING + ", or a cipher not known (" + e.getMessage() + ")", e);
        }
    }

    /** The key must sign what the leaf certificate's public key verifies. */
    private static void checkPair(List<X509Certificate> chain, Path chainFile, PrivateKey key, Path keyFile) {
        if (signatureAlgorithm(key.getAlgorithm()) == null) {
            throw new IllegalArgumentException("the private key in " + keyFile + " is " + key.getAlgorithm()
                    + ": HTTPS takes RSA, EC, Ed25519 and Ed448 keys");
        }
        X509Certificate leaf = chain.get(0);
        if (matches(key, leaf.getPublicKey())) {
            return;
        }
        String hint = "the key and the certificate do not belong together";
        for (int i = 1; i < chain.size(); i++) {
            if (matches(key, chain.get(i).getPublicKey())) {
                hint = "the key is certificate " + (i + 1) + "'s in that file: put the leaf certificate first";
            }
        }
        throw new IllegalArgumentException("the private key in " + keyFile + " (" + key.getAlgorithm()
                + ") does not match the first certificate in " + chainFile + " (" + leaf.getPublicKey().getAlgorithm()
                + ", " + leaf.getSubjectX500Principal().getName() + "): " + hint);
    }

    private static boolean matches(PrivateKey key, PublicKey certKey) {
        String algorithm = signatureAlgorithm(key.getAlgorithm());
        if (!algorithm.equals(signatureAlgorithm(certKey.getAlgorithm()))) {
            return false;
        }
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // a key of another curve or size than the certificate's cannot even be used with it
            return false;
        }
    }

    /** A signature algorithm for keys of a kind; null for a kind the edge does not serve. */
    private static String signatureAlgorithm(String keyAlgorithm) {
        return switch (keyAlgorithm.toUpperCase(Locale.ROOT)) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "ED25519", "ED448", "EDDSA" -> "EdDSA";
            default -> null;
        };
    }
}
