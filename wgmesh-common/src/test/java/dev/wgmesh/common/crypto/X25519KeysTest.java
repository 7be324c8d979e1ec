package dev.wgmesh.common.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.testing.WireGuardTools;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.SecretKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class X25519KeysTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void publicKeyOfMatchesRfc7748() {
        // RFC 7748, section 6.1
        SecretKey alice = SecretKey.of(HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        SecretKey bob = SecretKey.of(HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));

        assertThat(HEX.formatHex(X25519Keys.publicKeyOf(alice).bytes()))
                .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        assertThat(HEX.formatHex(X25519Keys.publicKeyOf(bob).bytes()))
                .isEqualTo("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        assertThat(HEX.formatHex(X25519Keys.agree(alice, X25519Keys.publicKeyOf(bob))))
                .isEqualTo("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    }

    @Test
    void generatedKeysAreClampedLikeWgGenkeyAndDiffer() {
        X25519Keys.KeyPair one = X25519Keys.generate(RANDOM);
        X25519Keys.KeyPair two = X25519Keys.generate(RANDOM);
        byte[] scalar = one.privateKey().bytes();

        assertThat(scalar[0] & 7).isZero();
        assertThat(scalar[31] & 0x80).isZero();
        assertThat(scalar[31] & 0x40).isNotZero();
        assertThat(one.publicKey()).isEqualTo(X25519Keys.publicKeyOf(one.privateKey())).isNotEqualTo(two.publicKey());
        assertThat(one.privateKey()).isNotEqualTo(two.privateKey());
    }

    @Test
    void aKeyPairShowsOnlyItsPublicHalf() {
        X25519Keys.KeyPair pair = X25519Keys.generate(RANDOM);

        assertThat(pair.toString()).contains(pair.publicKey().base64()).contains("redacted")
                .doesNotContain(pair.privateKey().base64());
    }

    @Test
    void publicKeysEqualWhatWgPubkeyComputes() throws Exception {
        String wg = WireGuardTools.assumeTool("wg");
        for (int i = 0; i < 3; i++) {
            X25519Keys.KeyPair pair = X25519Keys.generate(RANDOM);
            assertThat(wgPubkey(wg, pair.privateKey().base64())).isEqualTo(pair.publicKey().base64());
        }
        // and for a private key that wg made itself (wg clamps it when it uses it, as BouncyCastle does)
        Process genkey = new ProcessBuilder(wg, "genkey").start();
        String generated = new String(genkey.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(genkey.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(wgPubkey(wg, generated)).isEqualTo(X25519Keys.publicKeyOf(SecretKey.parse(generated)).base64());
        // an unclamped scalar: both clamp it the same way
        String unclamped = SecretKey.of(HEX.parseHex("ff".repeat(32))).base64();
        assertThat(wgPubkey(wg, unclamped)).isEqualTo(X25519Keys.publicKeyOf(SecretKey.parse(unclamped)).base64());
    }

    private static String wgPubkey(String wg, String privateKey) throws Exception {
        Process process = new ProcessBuilder(wg, "pubkey").start();
        process.getOutputStream().write((privateKey + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        PublicKey.parse(out);
        return out;
    }
}
