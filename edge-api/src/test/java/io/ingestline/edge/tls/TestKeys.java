package io.ingestline.edge.tls;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.util.ScryptConfig;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** Keys and certificates for the HTTPS tests, written in the PEM forms OpenSSL and ACME clients write. */
final class TestKeys {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestKeys() {
    }

    /** A fresh key pair: "RSA" (2048 bits), "EC" (P-256, what certbot issues), "Ed25519", "Ed448" or "DSA". */
    static KeyPair generate(String algorithm) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("EC")) {
            g.initialize(new ECGenParameterSpec("secp256r1"));
        } else if (algorithm.equals("RSA")) {
            g.initialize(2048);
        }
        return g.generateKeyPair();
    }

    /** A certificate for localhost, self-signed. */
    static X509Certificate selfSigned(KeyPair pair) throws Exception {
        return certificate("CN=localhost", pair.getPublic(), "CN=localhost", pair.getPrivate(), false);
    }

    /**
     * A certificate of {@code subject}'s key signed by {@code issuerKey}; a CA's may sign others, a leaf's names
     * localhost and 127.0.0.1.
     */
    static X509Certificate certificate(String subject, PublicKey key, String issuer, PrivateKey issuerKey, boolean ca)
            throws Exception {
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name(subject),
                key);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (!ca) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(signatureAlgorithm(issuerKey)).build(issuerKey)));
    }

    private static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> ((EdECPrivateKey) key).getParams().getName();
        };
    }

    static String pem(String type, byte[] der) throws Exception {
        return write(new PemObject(type, der));
    }

    static String certificates(X509Certificate... chain) throws Exception {
        StringBuilder out = new StringBuilder();
        for (X509Certificate c : chain) {
            out.append(pem("CERTIFICATE", c.getEncoded()));
        }
        return out.toString();
    }

    /** {@code BEGIN PRIVATE KEY}: what {@code openssl genpkey} and certbot write. */
    static String pkcs8(PrivateKey key) throws Exception {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    /** {@code BEGIN RSA PRIVATE KEY}: what {@code openssl genrsa} wrote before OpenSSL 3. */
    static String pkcs1(PrivateKey rsa) throws Exception {
        return write(PrivateKeyInfo.getInstance(rsa.getEncoded()));
    }

    /**
     * {@code BEGIN EC PRIVATE KEY} as {@code openssl ecparam -genkey} writes it: the curve inside the key, the public
     * point too, and (with {@code withParameters}) an {@code EC PARAMETERS} block before it.
     */
    static String sec1(PrivateKey ec, PublicKey pub, boolean withParameters) throws Exception {
        PrivateKeyInfo info = sec1Info(ec, pub);
        String key = write(info);
        if (!withParameters) {
            return key;
        }
        return pem("EC PARAMETERS", info.getPrivateKeyAlgorithm().getParameters().toASN1Primitive().getEncoded()) + key;
    }

    private static PrivateKeyInfo sec1Info(PrivateKey ec, PublicKey pub) throws Exception {
        AlgorithmIdentifier algorithm = PrivateKeyInfo.getInstance(ec.getEncoded()).getPrivateKeyAlgorithm();
        ASN1Encodable curve = algorithm.getParameters();
        var inner = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ((ECPrivateKey) ec).getS(),
                SubjectPublicKeyInfo.getInstance(pub.getEncoded()).getPublicKeyData(), curve);
        return new PrivateKeyInfo(algorithm, inner);
    }

    /** {@code BEGIN ENCRYPTED PRIVATE KEY} as OpenSSL 3 writes it: PBES2, PBKDF2 with HMAC-SHA256, AES-256-CBC. */
    static String encryptedPkcs8(PrivateKey key, String password) throws Exception {
        var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                .setPRF(PKCS8Generator.PRF_HMACSHA256).setIterationCount(2048)
                .setProvider(new BouncyCastleProvider()).setPassword(password.toCharArray()).build();
        return write(new JcaPKCS8Generator(key, encryptor).generate());
    }

    /** {@code BEGIN ENCRYPTED PRIVATE KEY} as {@code openssl pkcs8 -topk8 -scrypt} writes it: scrypt, AES-256-CBC. */
    static String scryptEncryptedPkcs8(PrivateKey key, String password) throws Exception {
        var encryptor = new JcePKCSPBEOutputEncryptorBuilder(new ScryptConfig.Builder(16384, 8, 1).build(),
                NISTObjectIdentifiers.id_aes256_CBC).setProvider(new BouncyCastleProvider()).build(password.toCharArray());
        return write(new JcaPKCS8Generator(key, encryptor).generate());
    }

    /**
     * OpenSSL's legacy encrypted PEM ({@code Proc-Type: 4,ENCRYPTED}, {@code DEK-Info}): {@code openssl genrsa -aes256}
     * before OpenSSL 3. EC keys are written in SEC1 form, with the public key passed.
     */
    static String legacyEncrypted(PrivateKey key, PublicKey pub, String password) throws Exception {
        Object plain = key.getAlgorithm().equals("EC") ? sec1Info(key, pub) : PrivateKeyInfo.getInstance(key.getEncoded());
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(plain, new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(new BouncyCastleProvider())
                    .build(password.toCharArray()));
        }
        return out.toString();
    }

    private static String write(Object o) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }
}
