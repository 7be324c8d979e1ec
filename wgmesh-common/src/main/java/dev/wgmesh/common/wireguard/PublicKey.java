package dev.wgmesh.common.wireguard;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** A host's X25519 public key, shown and stored in WireGuard's base64 form. */
public final class PublicKey implements Comparable<PublicKey> {

    private final byte[] bytes;
    /** Kept, not encoded again: a host of a 1,000-host mesh writes 999 of them into its file. */
    private final String base64;
    /** Kept too: a deployer looks peers up by key a million times a minute when it watches a large mesh. */
    private final int hash;

    private PublicKey(byte[] bytes, String base64) {
        this.bytes = bytes;
        this.base64 = base64;
        this.hash = Arrays.hashCode(bytes);
    }

    public static PublicKey of(byte[] bytes) {
        byte[] key = Keys.checkLength(bytes);
        return new PublicKey(key, Keys.encode(key));
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static PublicKey parse(String base64) {
        return new PublicKey(Keys.decode("a WireGuard public key", base64, false), base64);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    @JsonValue
    public String base64() {
        return base64;
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
        return hash;
    }

    @Override
    public String toString() {
        return base64();
    }
}
