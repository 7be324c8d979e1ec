package dev.wgmesh.common.wireguard;

import java.util.Base64;

/** The base64 form WireGuard uses for its 32-byte keys: 44 characters, one '=' of padding. */
final class Keys {

    static final int LENGTH = 32;

    private Keys() {
    }

    /**
     * Decodes a key as {@code wg} does, which also rejects a last character with unused bits set.
     * A secret's text is never quoted in the error: even a mistyped private key is most of the secret.
     */
    static byte[] decode(String what, String value, boolean secret) {
        String shown = secret ? "the value" : InvalidValueException.quote(value);
        if (value == null || value.length() != 44 || value.charAt(43) != '=') {
            throw new InvalidValueException(shown + " is not " + what + ": expected 44 characters of base64 ending in '='");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException(shown + " is not " + what + ": not base64");
        }
        if (bytes.length != LENGTH || !encode(bytes).equals(value)) {
            throw new InvalidValueException(shown + " is not " + what + ": not the base64 of 32 bytes");
        }
        return bytes;
    }

    static String encode(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }

    static byte[] checkLength(byte[] key) {
        if (key == null || key.length != LENGTH) {
            throw new InvalidValueException("a WireGuard key has 32 bytes");
        }
        return key.clone();
    }
}
