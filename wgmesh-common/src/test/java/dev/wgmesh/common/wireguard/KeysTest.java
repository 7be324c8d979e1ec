package dev.wgmesh.common.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeysTest {

    // RFC 7748 section 6.1: Alice's public key
    private static final String VALID = Base64.getEncoder().encodeToString(
            java.util.HexFormat.of().parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));

    @Test
    void aPublicKeyParsesFromWireGuardsBase64AndPrintsTheSame() {
        PublicKey key = PublicKey.parse(VALID);

        assertThat(VALID).hasSize(44).endsWith("=");
        assertThat(key.base64()).isEqualTo(VALID);
        assertThat(key.toString()).isEqualTo(VALID);
        assertThat(key.bytes()).hasSize(32);
        assertThat(key).isEqualTo(PublicKey.of(key.bytes())).hasSameHashCodeAs(PublicKey.of(key.bytes()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo",
            "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo==", "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTm==",
            "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmoA", "hSDwCYkwp1R0i33ctD73Wg2!Og0mOBr066SpjqqbTmo=",
            "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo=", "hSDwCYkwp1R0i33ctD73Wg2 Og0mOBr066SpjqqbTmo=",
            "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmp="})
    void aBadPublicKeyIsRejectedQuotingIt(String text) {
        assertThatThrownBy(() -> PublicKey.parse(text)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("\"" + text + "\"").hasMessageContaining("public key");
    }

    @Test
    void aNullPublicKeyIsRejected() {
        assertThatThrownBy(() -> PublicKey.parse(null)).isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("null");
    }

    @Test
    void aKeyMustHave32Bytes() {
        assertThatThrownBy(() -> PublicKey.of(new byte[31])).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> SecretKey.of(new byte[33])).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> SecretKey.of(null)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void publicKeysCopyTheirBytesAndSortUnsigned() {
        byte[] low = new byte[32];
        byte[] high = new byte[32];
        high[0] = (byte) 0xff;
        PublicKey a = PublicKey.of(low);
        PublicKey b = PublicKey.of(high);
        low[1] = 7;
        a.bytes()[2] = 9;

        assertThat(a.bytes()).containsOnly(0);
        assertThat(a).isLessThan(b);
    }

    @Test
    void aSecretKeyParsesButNeverShowsItself() {
        SecretKey key = SecretKey.parse(VALID);

        assertThat(key.base64()).isEqualTo(VALID);
        assertThat(key.toString()).isEqualTo("SecretKey[redacted]").doesNotContain(VALID);
        assertThat(String.valueOf(key)).doesNotContain(VALID.substring(0, 10));
        assertThat(key).isEqualTo(SecretKey.of(key.bytes())).isNotEqualTo(PublicKey.parse(VALID));
    }

    @Test
    void aBadSecretKeyIsRejectedWithoutQuotingIt() {
        // a truncated private key is still most of a secret: the error must not repeat it
        String truncated = VALID.substring(0, 40) + "=";
        String badChar = VALID.substring(0, 10) + "!" + VALID.substring(11);

        assertThatThrownBy(() -> SecretKey.parse(truncated)).isInstanceOf(InvalidValueException.class)
                .message().doesNotContain(truncated.substring(0, 20));
        assertThatThrownBy(() -> SecretKey.parse(badChar)).isInstanceOf(InvalidValueException.class)
                .message().doesNotContain(badChar.substring(0, 10));
    }

    @Test
    void aSecretKeyHandsOutCopies() {
        byte[] raw = new byte[32];
        Arrays.fill(raw, (byte) 1);
        SecretKey key = SecretKey.of(raw);
        raw[0] = 0;
        key.bytes()[1] = 0;

        assertThat(key.bytes()).containsOnly(1);
    }
}
