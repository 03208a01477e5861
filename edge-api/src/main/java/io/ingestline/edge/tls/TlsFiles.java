package io.ingestline.edge.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where HTTPS takes its certificate and key from.
 *
 * @param cert        PEM certificate chain, leaf first
 * @param key         PEM private key (may be the same file as {@code cert})
 * @param keyPassword the key's password when it is encrypted, else null
 */
public record TlsFiles(Path cert, Path key, String keyPassword) {
    public TlsFiles {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
    }

    /** Files of an unencrypted key. */
    public TlsFiles(Path cert, Path key) {
        this(cert, key, null);
    }

    @Override
    public String toString() {
        return "TlsFiles[cert=" + cert + ", key=" + key + ", keyPassword=" + (keyPassword == null ? "none" : "***")
                + "]";
    }
}
