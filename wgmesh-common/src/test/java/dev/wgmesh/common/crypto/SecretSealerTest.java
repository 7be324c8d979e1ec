package dev.wgmesh.common.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.wireguard.InvalidValueException;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.SecretKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;

class SecretSealerTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CONTEXT = "prod/hoster-zima-0101/private-key";
    private static final long EPOCH = 4;

    private final X25519Keys.KeyPair deployer = X25519Keys.generate(RANDOM);
    private final SecretKey secret = X25519Keys.generate(RANDOM).privateKey();
    private final SecretSealer sealer = new SecretSealer(RANDOM);

    @Test
    void aSealedSecretOpensWithTheRecipientsKeyAndContext() {
        SealedSecret sealed = sealer.seal(secret, deployer.publicKey(), CONTEXT, EPOCH);

        assertThat(SecretSealer.open(sealed, deployer.privateKey(), CONTEXT)).isEqualTo(secret);
    }

    @Test
    void anotherKeyDoesNotOpenIt() {
        SealedSecret sealed = sealer.seal(secret, deployer.publicKey(), CONTEXT, EPOCH);
        SecretKey stranger = X25519Keys.generate(RANDOM).privateKey();

        assertThatThrownBy(() -> SecretSealer.open(sealed, stranger, CONTEXT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(CONTEXT)
                .message().doesNotContain(secret.base64()).doesNotContain(stranger.base64());
    }

    @Test
    void anotherContextDoesNotOpenIt() {
        SealedSecret sealed = sealer.seal(secret, deployer.publicKey(), CONTEXT, EPOCH);

        assertThatThrownBy(() -> SecretSealer.open(sealed, deployer.privateKey(), "prod/hoster-zima-0102/private-key"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SecretSealer.open(sealed, deployer.privateKey(), "prod/preshared-key-seed"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyTamperedByteIsNoticed() {
        byte[] bytes = sealer.seal(secret, deployer.publicKey(), CONTEXT, EPOCH).bytes();
        for (int i = 0; i < bytes.length; i++) {
            byte[] tampered = bytes.clone();
            tampered[i] ^= 0x01;
            SealedSecret damaged = new SealedSecret(SecretSealer.keyId(deployer.publicKey()), EPOCH, tampered);
            assertThatThrownBy(() -> SecretSealer.open(damaged, deployer.privateKey(), CONTEXT))
                    .as("byte %d flipped", i).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aCutOrExtendedSecretDoesNotOpen() {
        byte[] bytes = sealer.seal(secret, deployer.publicKey(), CONTEXT, EPOCH).bytes();

        assertThatThrownBy(() -> SecretSealer.open(new SealedSecret(SecretSealer.keyId(deployer.publicKey()), EPOCH,
                java.util.Arrays.copyOf(bytes, bytes.length - 1)),
                deployer.privateKey(), CONTEXT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SecretSealer.open(new SealedSecret(SecretSealer.keyId(deployer.publicKey()), EPOCH,
                java.util.Arrays.copyOf(bytes, bytes.length + 1)),
                deployer.privateKey(), CONTEXT)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void twoSealsOfTheSameSecretDiffer() {
        SealedSecret one = sealer.seal(secret, deployer.publicKey(), CONTEXT, EPOCH);
        SealedSecret two = sealer.seal(secret, deployer.publicKey(), CONTEXT, EPOCH);

        assertThat(one).isNotEqualTo(two);
        assertThat(one.toString()).isNotEqualTo(two.toString());
        assertThat(SecretSealer.open(two, deployer.privateKey(), CONTEXT)).isEqualTo(secret);
    }

    @Test
    void theSealedFormIsAJsonStringThatHidesTheSecret() {
        SealedSecret sealed = sealer.seal(secret, deployer.publicKey(), CONTEXT, EPOCH);
        String text = sealed.toString();

        String keyId = SecretSealer.keyId(deployer.publicKey());
        assertThat(text).startsWith("v2." + keyId + ".4.").doesNotContain("=").matches("v2\\.[0-9a-f]{16}\\.4\\.[A-Za-z0-9_-]+");
        assertThat(Base64.getUrlDecoder().decode(text.substring(("v2." + keyId + ".4.").length()))).hasSize(32 + 12 + 32 + 16);
        assertThat(SealedSecret.parse(text)).isEqualTo(sealed);
        assertThat(text).doesNotContain(secret.base64()).doesNotContain(secret.base64().replace('+', '-')
                .replace('/', '_').substring(0, 20));
        assertThat(new String(EventJson.write(sealed))).isEqualTo("\"" + text + "\"");
        assertThat(EventJson.read(("\"" + text + "\"").getBytes(), SealedSecret.class)).isEqualTo(sealed);
        assertThat(SealedSecret.parse(text)).isEqualTo(sealed).hasSameHashCodeAs(sealed);
    }

    @Test
    void malformedSealedSecretsAreRejected() {
        assertThatThrownBy(() -> SealedSecret.parse(null)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> SealedSecret.parse("v2.AAAA")).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("\"v2.AAAA\"");
        assertThatThrownBy(() -> SealedSecret.parse("v2.0123456789abcdef.1.AAAA")).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("too short");
        assertThatThrownBy(() -> SealedSecret.parse("v2.0123456789abcdef.1.!!!!")).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("expected v2");
        // the form before key ids and epochs does not open any more: such groups are rotated once
        assertThatThrownBy(() -> SealedSecret.parse("v1." + "A".repeat(80))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("expected v2");
    }

    @Test
    void presharedKeysAreSymmetricPerPair() {
        SecretKey seed = X25519Keys.generate(RANDOM).privateKey();
        PublicKey a = X25519Keys.generate(RANDOM).publicKey();
        PublicKey b = X25519Keys.generate(RANDOM).publicKey();
        PublicKey c = X25519Keys.generate(RANDOM).publicKey();

        SecretKey ab = PresharedKeys.derive(seed, a, b);

        assertThat(PresharedKeys.derive(seed, b, a)).isEqualTo(ab);
        assertThat(PresharedKeys.derive(seed, a, b)).isEqualTo(ab);
        assertThat(PresharedKeys.derive(seed, a, c)).isNotEqualTo(ab);
        assertThat(PresharedKeys.derive(seed, b, c)).isNotEqualTo(ab).isNotEqualTo(PresharedKeys.derive(seed, a, c));
        assertThat(ab.bytes()).hasSize(32).isNotEqualTo(seed.bytes());
    }

    @Test
    void aPresharedKeyChangesWhenOneKeyOrTheSeedChanges() {
        SecretKey seed = X25519Keys.generate(RANDOM).privateKey();
        PublicKey a = X25519Keys.generate(RANDOM).publicKey();
        PublicKey b = X25519Keys.generate(RANDOM).publicKey();
        PublicKey rotatedB = X25519Keys.generate(RANDOM).publicKey();

        SecretKey before = PresharedKeys.derive(seed, a, b);

        assertThat(PresharedKeys.derive(seed, a, rotatedB)).isNotEqualTo(before);
        assertThat(PresharedKeys.derive(X25519Keys.generate(RANDOM).privateKey(), a, b)).isNotEqualTo(before);
    }

    @Test
    void presharedKeysAreRfc5869HkdfAndOneDeriverServesManyPairs() {
        SecretKey seed = X25519Keys.generate(RANDOM).privateKey();
        PresharedKeys deriver = PresharedKeys.forSeed(seed);
        for (int i = 0; i < 20; i++) {
            PublicKey a = X25519Keys.generate(RANDOM).publicKey();
            PublicKey b = X25519Keys.generate(RANDOM).publicKey();
            PublicKey low = a.compareTo(b) <= 0 ? a : b;
            PublicKey high = low == a ? b : a;
            byte[] info = "wgmesh preshared key v1".getBytes(StandardCharsets.UTF_8);
            byte[] fullInfo = new byte[info.length + 64];
            System.arraycopy(info, 0, fullInfo, 0, info.length);
            System.arraycopy(low.bytes(), 0, fullInfo, info.length, 32);
            System.arraycopy(high.bytes(), 0, fullInfo, info.length + 32, 32);
            // BouncyCastle's HKDF as the independent reference
            HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
            hkdf.init(new HKDFParameters(seed.bytes(), null, fullInfo));
            byte[] expected = new byte[32];
            hkdf.generateBytes(expected, 0, 32);

            assertThat(deriver.between(a, b).bytes()).isEqualTo(expected);
            assertThat(PresharedKeys.derive(seed, b, a).bytes()).isEqualTo(expected);
        }
    }

    @Test
    void anOlderEpochOrAnotherKeyIdWrittenIntoTheSealedFormDoesNotOpen() {
        SealedSecret sealed = sealer.seal(secret, deployer.publicKey(), CONTEXT, EPOCH);
        String text = sealed.toString();

        SealedSecret olderEpoch = SealedSecret.parse(text.replace(".4.", ".3."));
        assertThatThrownBy(() -> SecretSealer.open(olderEpoch, deployer.privateKey(), CONTEXT))
                .isInstanceOf(IllegalArgumentException.class);
        SealedSecret otherKeyId = SealedSecret.parse(text.replace(sealed.keyId(), "0123456789abcdef"));
        assertThatThrownBy(() -> SecretSealer.open(otherKeyId, deployer.privateKey(), CONTEXT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aKeyringOpensWhatWasSealedToItsCurrentOrPreviousKey() {
        X25519Keys.KeyPair previous = X25519Keys.generate(RANDOM);
        SealedSecret toPrevious = sealer.seal(secret, previous.publicKey(), CONTEXT, EPOCH);
        SealedSecret toCurrent = sealer.seal(secret, deployer.publicKey(), CONTEXT, EPOCH);
        List<SecretSealer.Recipient> keyring = List.of(SecretSealer.Recipient.of(deployer.privateKey()),
                SecretSealer.Recipient.of(previous.privateKey()));

        assertThat(SecretSealer.open(toPrevious, keyring, CONTEXT)).isEqualTo(secret);
        assertThat(SecretSealer.open(toCurrent, keyring, CONTEXT)).isEqualTo(secret);
        assertThatThrownBy(() -> SecretSealer.open(toPrevious, keyring.subList(0, 1), CONTEXT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(toPrevious.keyId())
                .hasMessageContaining("does not hold");
        assertThat(keyring.get(0).toString()).isEqualTo("Recipient[" + SecretSealer.keyId(deployer.publicKey()) + "]")
                .doesNotContain(deployer.privateKey().base64());
    }
}
