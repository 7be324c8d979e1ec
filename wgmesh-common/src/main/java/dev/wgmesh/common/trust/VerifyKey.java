package dev.wgmesh.common.trust;

import dev.wgmesh.common.crypto.KeyIds;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 public key that a consumer trusts for one signer; {@link #id()} is what a record's
 * {@code wgmesh_signer} header names: the first 8 bytes of the key's SHA-256, in hex.
 */
public final class VerifyKey {

    private final byte[] bytes;
    private final String id;
    /** The key decoded to its curve point once: decoding it again for each record cost a third of a check. */
    private final Ed25519PublicKeyParameters point;

    /** @throws IllegalArgumentException when the bytes are no point of the curve */
    private VerifyKey(byte[] bytes) {
        this.bytes = bytes;
        this.id = KeyIds.of(bytes);
        this.point = new Ed25519PublicKeyParameters(bytes, 0);
    }

    static VerifyKey of(byte[] bytes) {
        return new VerifyKey(bytes.clone());
    }

    /** A public key as the settings and the launcher give it: base64 of 32 bytes. */
    public static VerifyKey parse(String base64) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            decoded = new byte[0];
        }
        if (decoded.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new InvalidValueException("an Ed25519 public key is 32 bytes in base64 (44 characters), not "
                    + InvalidValueException.quote(base64));
        }
        try {
            return new VerifyKey(decoded);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException(InvalidValueException.quote(base64)
                    + " is not an Ed25519 public key: its 32 bytes are no point of the curve");
        }
    }

    public String id() {
        return id;
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    boolean verifies(byte[] message, byte[] signature) {
        if (signature.length != Ed25519PrivateKeyParameters.SIGNATURE_SIZE) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, point);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerifyKey other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return base64();
    }
}
