package dev.wgmesh.common.crypto;

import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.SecretKey;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The preshared key of a pair of hosts, derived from the group's sealed seed and the pair's public keys
 * with HKDF-SHA256. Both ends derive the same key; a new key pair on either end gives the pair a new
 * preshared key, and a group of n hosts carries one sealed seed instead of n(n-1)/2 sealed keys.
 */
public final class PresharedKeys {

    private static final byte[] INFO_PREFIX = "wgmesh preshared key v1".getBytes(StandardCharsets.UTF_8);

    private PresharedKeys() {
    }

    public static SecretKey derive(SecretKey seed, PublicKey one, PublicKey other) {
        PublicKey low = one.compareTo(other) <= 0 ? one : other;
        PublicKey high = low == one ? other : one;
        byte[] info = new byte[INFO_PREFIX.length + 64];
        System.arraycopy(INFO_PREFIX, 0, info, 0, INFO_PREFIX.length);
        System.arraycopy(low.bytes(), 0, info, INFO_PREFIX.length, 32);
        System.arraycopy(high.bytes(), 0, info, INFO_PREFIX.length + 32, 32);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(seed.bytes(), null, info));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, key.length);
        return SecretKey.of(key);
    }
}
