package dev.wgmesh.common.crypto;

import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.SecretKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Seals secrets to a recipient's X25519 public key: an ephemeral key agreement, HKDF-SHA256 and
 * ChaCha20-Poly1305 (all BouncyCastle): the shape of HPKE's base mode (RFC 9180) with the same primitives,
 * kept as it is rather than moved to BouncyCastle's HPKE class, which would change the sealed form once
 * more for no gain in security. The associated data binds the context,
 * such as {@code group/host/private-key}, the epoch (the revision the secret was made at) and the id of the
 * recipient's key, so a sealed secret opens for that host and purpose only, and its epoch cannot be
 * changed to pass an older secret off as a newer one.
 */
public final class SecretSealer {

    private static final byte[] INFO = "wgmesh sealed secret v2".getBytes(StandardCharsets.UTF_8);

    private final SecureRandom random;

    public SecretSealer(SecureRandom random) {
        this.random = random;
    }

    /** @param epoch the revision at which the secret is made */
    public SealedSecret seal(SecretKey secret, PublicKey recipient, String context, long epoch) {
        String keyId = keyId(recipient);
        X25519Keys.KeyPair ephemeral = X25519Keys.generate(random);
        byte[] nonce = new byte[SealedSecret.NONCE];
        random.nextBytes(nonce);
        byte[] key = derive(X25519Keys.agree(ephemeral.privateKey(), recipient), ephemeral.publicKey(), recipient);
        byte[] plaintext = secret.bytes();
        byte[] out = new byte[SealedSecret.EPHEMERAL + SealedSecret.NONCE + plaintext.length + SealedSecret.TAG];
        System.arraycopy(ephemeral.publicKey().bytes(), 0, out, 0, SealedSecret.EPHEMERAL);
        System.arraycopy(nonce, 0, out, SealedSecret.EPHEMERAL, SealedSecret.NONCE);
        ChaCha20Poly1305 aead = cipher(true, key, nonce, associatedData(context, epoch, keyId));
        int offset = SealedSecret.EPHEMERAL + SealedSecret.NONCE;
        int written = aead.processBytes(plaintext, 0, plaintext.length, out, offset);
        try {
            aead.doFinal(out, offset + written);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
            Arrays.fill(key, (byte) 0);
        }
        return new SealedSecret(keyId, epoch, out);
    }

    /**
     * A recipient's private key with its public key and key id, worked out once: opening a secret with it then
     * costs one X25519 agreement, where working out the public key would cost as much again.
     */
    public record Recipient(SecretKey privateKey, PublicKey publicKey, String keyId) {

        public static Recipient of(SecretKey privateKey) {
            PublicKey publicKey = X25519Keys.publicKeyOf(privateKey);
            return new Recipient(privateKey, publicKey, SecretSealer.keyId(publicKey));
        }

        @Override
        public String toString() {
            return "Recipient[" + keyId + "]";
        }
    }

    /**
     * Opens a sealed secret with the key of the keyring it was sealed to (the current or the previous
     * deployers' key); fails when no key of the keyring is that key, or the context or the bytes do not match.
     */
    public static SecretKey open(SealedSecret sealed, List<Recipient> keyring, String context) {
        Recipient recipient = keyring.stream().filter(key -> key.keyId().equals(sealed.keyId())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the sealed secret for " + context
                        + " was sealed to deployer key " + sealed.keyId() + ", which this deployer does not hold"));
        return open(sealed, recipient, context);
    }

    /** Opens a sealed secret; fails when the key, the context or the bytes do not match. */
    public static SecretKey open(SealedSecret sealed, SecretKey recipientPrivateKey, String context) {
        return open(sealed, Recipient.of(recipientPrivateKey), context);
    }

    private static SecretKey open(SealedSecret sealed, Recipient recipient, String context) {
        byte[] bytes = sealed.bytes();
        PublicKey ephemeral = PublicKey.of(Arrays.copyOfRange(bytes, 0, SealedSecret.EPHEMERAL));
        byte[] nonce = Arrays.copyOfRange(bytes, SealedSecret.EPHEMERAL, SealedSecret.EPHEMERAL + SealedSecret.NONCE);
        byte[] key = derive(X25519Keys.agree(recipient.privateKey(), ephemeral), ephemeral, recipient.publicKey());
        ChaCha20Poly1305 aead = cipher(false, key, nonce, associatedData(context, sealed.epoch(), sealed.keyId()));
        int offset = SealedSecret.EPHEMERAL + SealedSecret.NONCE;
        byte[] plaintext = new byte[aead.getOutputSize(bytes.length - offset)];
        try {
            int written = aead.processBytes(bytes, offset, bytes.length - offset, plaintext, 0);
            aead.doFinal(plaintext, written);
            return SecretKey.of(plaintext);
        } catch (InvalidCipherTextException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the sealed secret for " + context
                    + " does not open with this deployer key (wrong key, wrong context or damaged)");
        } finally {
            Arrays.fill(plaintext, (byte) 0);
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The id a sealed secret names its recipient's key by ({@link KeyIds}). */
    public static String keyId(PublicKey recipient) {
        return KeyIds.of(recipient.bytes());
    }

    private static byte[] associatedData(String context, long epoch, String keyId) {
        return ("wgmesh-sealed-v2\0" + context + "\0" + epoch + "\0" + keyId).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] derive(byte[] shared, PublicKey ephemeral, PublicKey recipient) {
        byte[] salt = new byte[64];
        System.arraycopy(ephemeral.bytes(), 0, salt, 0, 32);
        System.arraycopy(recipient.bytes(), 0, salt, 32, 32);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(shared, salt, INFO));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, key.length);
        Arrays.fill(shared, (byte) 0);
        return key;
    }

    private static ChaCha20Poly1305 cipher(boolean encrypt, byte[] key, byte[] nonce, byte[] associatedData) {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(encrypt, new AEADParameters(new KeyParameter(key), SealedSecret.TAG * 8, nonce, associatedData));
        return aead;
    }
}
