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
        if (value == null || value.length() != 44 || value.charAt(43) != '=') {
            throw invalid(what, value, secret, "expected 44 characters of base64 ending in '='");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw invalid(what, value, secret, "not base64");
        }
        if (bytes.length != LENGTH || !encode(bytes).equals(value)) {
            throw invalid(what, value, secret, "not the base64 of 32 bytes");
        }
        return bytes;
    }

    /** Made only on failure: a deployer decodes a million keys a minute while watching a 1,000-host mesh. */
    private static InvalidValueException invalid(String what, String value, boolean secret, String why) {
        return new InvalidValueException((secret ? "the value" : InvalidValueException.quote(value)) + " is not " + what
                + ": " + why);
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
