package dev.wgmesh.common.crypto;

import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.SecretKey;
import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;

/** X25519 key pairs as WireGuard makes them (`wg genkey`, `wg pubkey`), with BouncyCastle. */
public final class X25519Keys {

    /** A host's key pair; the private half never leaves memory unsealed. */
    public record KeyPair(SecretKey privateKey, PublicKey publicKey) {
        @Override
        public String toString() {
            return "KeyPair[publicKey=" + publicKey + ", privateKey=redacted]";
        }
    }

    private X25519Keys() {
    }

    public static KeyPair generate(SecureRandom random) {
        byte[] privateKey = new byte[X25519.SCALAR_SIZE];
        X25519.generatePrivateKey(random, privateKey);
        return new KeyPair(SecretKey.of(privateKey), publicKeyOf(SecretKey.of(privateKey)));
    }

    public static PublicKey publicKeyOf(SecretKey privateKey) {
        byte[] publicKey = new byte[X25519.POINT_SIZE];
        X25519.scalarMultBase(privateKey.bytes(), 0, publicKey, 0);
        return PublicKey.of(publicKey);
    }

    /** The shared secret of a Diffie-Hellman exchange; fails on a low-order public key. */
    static byte[] agree(SecretKey privateKey, PublicKey publicKey) {
        byte[] shared = new byte[X25519.POINT_SIZE];
        if (!X25519.calculateAgreement(privateKey.bytes(), 0, publicKey.bytes(), 0, shared, 0)) {
            throw new IllegalArgumentException("key agreement with " + publicKey + " gave an all-zero secret");
        }
        return shared;
    }
}
