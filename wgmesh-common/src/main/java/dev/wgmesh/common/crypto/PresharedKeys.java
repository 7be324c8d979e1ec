package dev.wgmesh.common.crypto;

import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.SecretKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The preshared key of a pair of hosts, derived from the group's sealed seed and the pair's public keys
 * with HKDF-SHA256 (RFC 5869, no salt). Both ends derive the same key; a new key pair on either end gives
 * the pair a new preshared key, and a group of n hosts carries one sealed seed instead of n(n-1)/2 sealed keys.
 *
 * <p>A host of a 1,000-host mesh needs 999 of them, so an instance does HKDF's extract step once per seed
 * and each pair costs one HMAC (the JDK's, whose SHA-256 runs on the CPU's instructions). Not thread-safe.
 */
public final class PresharedKeys {

    private static final String HMAC = "HmacSHA256";
    private static final byte[] INFO_PREFIX = "wgmesh preshared key v1".getBytes(StandardCharsets.UTF_8);

    private final Mac expand;
    private final byte[] info = new byte[INFO_PREFIX.length + 64 + 1];

    private PresharedKeys(SecretKey seed) {
        try {
            Mac extract = Mac.getInstance(HMAC);
            extract.init(new SecretKeySpec(new byte[32], HMAC));
            byte[] pseudoRandomKey = extract.doFinal(seed.bytes());
            expand = Mac.getInstance(HMAC);
            expand.init(new SecretKeySpec(pseudoRandomKey, HMAC));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
        System.arraycopy(INFO_PREFIX, 0, info, 0, INFO_PREFIX.length);
        info[info.length - 1] = 1; // HKDF-Expand's block counter: one block of 32 bytes is the whole key
    }

    /** A deriver for the pairs of one group. */
    public static PresharedKeys forSeed(SecretKey seed) {
        return new PresharedKeys(seed);
    }

    public static SecretKey derive(SecretKey seed, PublicKey one, PublicKey other) {
        return forSeed(seed).between(one, other);
    }

    /** The pair's key; the order of the two public keys does not matter. */
    public SecretKey between(PublicKey one, PublicKey other) {
        PublicKey low = one.compareTo(other) <= 0 ? one : other;
        PublicKey high = low == one ? other : one;
        System.arraycopy(low.bytes(), 0, info, INFO_PREFIX.length, 32);
        System.arraycopy(high.bytes(), 0, info, INFO_PREFIX.length + 32, 32);
        return SecretKey.of(expand.doFinal(info));
    }
}
