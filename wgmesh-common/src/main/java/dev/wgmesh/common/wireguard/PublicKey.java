package dev.wgmesh.common.wireguard;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** A host's X25519 public key, shown and stored in WireGuard's base64 form. */
public final class PublicKey implements Comparable<PublicKey> {

    private final byte[] bytes;

    private PublicKey(byte[] bytes) {
        this.bytes = bytes;
    }

    public static PublicKey of(byte[] bytes) {
        return new PublicKey(Keys.checkLength(bytes));
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static PublicKey parse(String base64) {
        return new PublicKey(Keys.decode("a WireGuard public key", base64, false));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    @JsonValue
    public String base64() {
        return Keys.encode(bytes);
    }

    @Override
    public int compareTo(PublicKey other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKey other && Arrays.equals(bytes, other.bytes);
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
