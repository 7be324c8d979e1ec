package dev.wgmesh.common.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A service's Ed25519 private key, which signs every record it publishes. Its file holds the 32-byte
 * seed in base64 on one line; {@link #toString()} is redacted.
 */
public final class SigningKey {

    private final Ed25519PrivateKeyParameters key;
    private final VerifyKey publicKey;

    private SigningKey(Ed25519PrivateKeyParameters key) {
        this.key = key;
        this.publicKey = VerifyKey.of(key.generatePublicKey().getEncoded());
    }

    public static SigningKey generate(SecureRandom random) {
        return new SigningKey(new Ed25519PrivateKeyParameters(random));
    }

    /** The base64 seed as the key file holds it; for writing that file only. */
    public String base64() {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /**
     * Reads a key file. The failure never quotes the file's content: it may be a secret.
     *
     * @param setting the setting that named the file, for the message
     */
    public static SigningKey load(Path file, String setting) {
        if (file == null) {
            throw new IllegalStateException(setting + " is not set: every wgmesh service signs what it publishes and"
                    + " needs its Ed25519 signing key file (./wgmesh up makes one per service in wgmesh-data/keys/)");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the signing key file " + file.toAbsolutePath() + " ("
                    + setting + "): " + e.getMessage());
        }
        byte[] seed;
        try {
            seed = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            seed = new byte[0];
        }
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new IllegalStateException("the signing key file " + file.toAbsolutePath() + " (" + setting
                    + ") does not hold an Ed25519 key: one line of base64, 32 bytes");
        }
        return new SigningKey(new Ed25519PrivateKeyParameters(seed, 0));
    }

    public VerifyKey publicKey() {
        return publicKey;
    }

    byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    @Override
    public String toString() {
        return "SigningKey[" + publicKey.id() + ", private part redacted]";
    }
}
