package dev.wgmesh.common.crypto;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A secret sealed to the deployers' public key: {@code v2.<key id>.<epoch>.<base64url of ephemeral public
 * key, nonce, ciphertext and tag>}. The key id names the deployers' key it was sealed to (a deployer's
 * keyring may hold the current and the previous one); the epoch is the revision the secret was made at.
 * Both are bound in the associated data with the group and host, so neither can be changed. Safe to put
 * on a topic: only a deployer's private key opens it.
 */
public final class SealedSecret {

    static final int EPHEMERAL = 32;
    static final int NONCE = 12;
    static final int TAG = 16;

    private static final Pattern FORM = Pattern.compile("v2\\.([0-9a-f]{16})\\.(0|[1-9][0-9]{0,18})\\.([A-Za-z0-9_-]+)");

    private final String keyId;
    private final long epoch;
    private final byte[] bytes;

    SealedSecret(String keyId, long epoch, byte[] bytes) {
        this.keyId = keyId;
        this.epoch = epoch;
        this.bytes = bytes;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static SealedSecret parse(String text) {
        Matcher form = text == null ? null : FORM.matcher(text);
        if (form == null || !form.matches()) {
            throw new InvalidValueException(InvalidValueException.quote(text)
                    + " is not a sealed secret: expected v2.<key id>.<epoch>.<base64url>");
        }
        byte[] bytes;
        long epoch;
        try {
            bytes = Base64.getUrlDecoder().decode(form.group(3));
            epoch = Long.parseLong(form.group(2));
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException(InvalidValueException.quote(text) + " is not a sealed secret: not base64url");
        }
        if (bytes.length < EPHEMERAL + NONCE + TAG + 1) {
            throw new InvalidValueException(InvalidValueException.quote(text) + " is not a sealed secret: too short");
        }
        return new SealedSecret(form.group(1), epoch, bytes);
    }

    /** The id of the deployers' public key this was sealed to. */
    public String keyId() {
        return keyId;
    }

    /** The revision at which the secret was made; it stays with the secret until the secret is rotated. */
    public long epoch() {
        return epoch;
    }

    byte[] bytes() {
        return bytes.clone();
    }

    @JsonValue
    @Override
    public String toString() {
        return "v2." + keyId + "." + epoch + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedSecret other && keyId.equals(other.keyId) && epoch == other.epoch
                && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * keyId.hashCode() + Arrays.hashCode(bytes);
    }
}
