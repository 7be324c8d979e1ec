package dev.wgmesh.common.crypto;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.util.Arrays;
import java.util.Base64;

/**
 * A secret sealed to the deployers' public key: {@code v1.<base64url of ephemeral public key, nonce,
 * ciphertext and tag>}. Safe to put on a topic: only a deployer's private key opens it.
 */
public final class SealedSecret {

    static final String PREFIX = "v1.";
    static final int EPHEMERAL = 32;
    static final int NONCE = 12;
    static final int TAG = 16;

    private final byte[] bytes;

    SealedSecret(byte[] bytes) {
        this.bytes = bytes;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static SealedSecret parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new InvalidValueException(InvalidValueException.quote(text) + " is not a sealed secret: expected v1.<base64url>");
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(text.substring(PREFIX.length()));
            if (bytes.length < EPHEMERAL + NONCE + TAG + 1) {
                throw new InvalidValueException(InvalidValueException.quote(text) + " is not a sealed secret: too short");
            }
            return new SealedSecret(bytes);
        } catch (IllegalArgumentException e) {
            if (e instanceof InvalidValueException invalid) {
                throw invalid;
            }
            throw new InvalidValueException(InvalidValueException.quote(text) + " is not a sealed secret: not base64url");
        }
    }

    byte[] bytes() {
        return bytes.clone();
    }

    @JsonValue
    @Override
    public String toString() {
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedSecret other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
