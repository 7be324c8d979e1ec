package dev.wgmesh.common.wireguard;

import java.util.Arrays;

/**
 * A private or preshared key in plaintext. It has no JSON form and its toString() is redacted, so it
 * cannot leak into an event, a log line or a response by accident; {@link #base64()} is for the
 * config file writer alone.
 */
public final class SecretKey {

    private final byte[] bytes;

    private SecretKey(byte[] bytes) {
        this.bytes = bytes;
    }

    public static SecretKey of(byte[] bytes) {
        return new SecretKey(Keys.checkLength(bytes));
    }

    public static SecretKey parse(String base64) {
        return new SecretKey(Keys.decode("a WireGuard key", base64, true));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public String base64() {
        return Keys.encode(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretKey other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "SecretKey[redacted]";
    }
}
