package dev.wgmesh.common.wireguard;

import java.util.Base64;

/** The base64 form WireGuard uses for its 32-byte keys: 44 characters, one '=' of padding. */
final class Keys {

    static final int LENGTH = 32;

    private Keys() {
    }

    static byte[] decode(String what, String value) {
        if (value == null || value.length() != 44 || value.charAt(43) != '=') {
            throw InvalidValueException.of(what, value, "expected 44 characters of base64 ending in '='");
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(value);
            if (bytes.length != LENGTH) {
                throw InvalidValueException.of(what, value, "expected 32 bytes");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw InvalidValueException.of(what, value, "not base64");
        }
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
