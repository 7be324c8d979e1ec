package dev.wgmesh.common.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.wireguard.InvalidValueException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class VerifyKeyTest {

    @Test
    void aKeyVerifiesItsSignaturesOnlyAndAgainAndAgain() {
        SigningKey signer = SigningKey.generate(new SecureRandom());
        VerifyKey key = VerifyKey.parse(signer.publicKey().base64());
        byte[] message = "record".getBytes(StandardCharsets.UTF_8);
        byte[] signature = signer.sign(message);

        assertThat(key.verifies(message, signature)).isTrue();
        assertThat(key.verifies(message, signature)).isTrue();
        assertThat(key.verifies("other".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
        assertThat(VerifyKey.parse(SigningKey.generate(new SecureRandom()).publicKey().base64())
                .verifies(message, signature)).isFalse();
    }

    @Test
    void thirtyTwoBytesThatAreNoPointOfTheCurveAreRefusedWhenRead() {
        byte[] notAPoint = new byte[32];
        Arrays.fill(notAPoint, (byte) 0xff);
        String text = Base64.getEncoder().encodeToString(notAPoint);

        assertThatThrownBy(() -> VerifyKey.parse(text)).isInstanceOf(InvalidValueException.class)
                .hasMessage("\"" + text + "\" is not an Ed25519 public key: its 32 bytes are no point of the curve");
    }
}
