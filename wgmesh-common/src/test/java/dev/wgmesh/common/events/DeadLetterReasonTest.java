package dev.wgmesh.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.crypto.SecretSealer;
import dev.wgmesh.common.crypto.X25519Keys;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class DeadLetterReasonTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void keysAndSealedSecretsNeverAppearInAReason() {
        X25519Keys.KeyPair pair = X25519Keys.generate(random);
        String sealed = new SecretSealer(random).seal(pair.privateKey(), pair.publicKey(), "context", 1).toString();
        String reason = DeadLetterReason.of(new IllegalArgumentException(
                "bad key \"" + pair.privateKey().base64() + "\" next to " + sealed + " and " + pair.publicKey().base64()));

        assertThat(reason).doesNotContain(pair.privateKey().base64()).doesNotContain(pair.publicKey().base64())
                .startsWith("bad key \"[redacted]\" next to ").endsWith(" and [redacted]");
        assertThat(reason).doesNotContain(sealed.substring(3, 43));
    }

    @Test
    void ordinaryReasonsStayAsTheyAre() {
        assertThat(DeadLetterReason.of(new InvalidEventException("not a valid HostGroupChanged: \"10.0.0.1/24\" has host bits")))
                .isEqualTo("not a valid HostGroupChanged: \"10.0.0.1/24\" has host bits");
        assertThat(DeadLetterReason.of(new IllegalStateException())).isEqualTo("IllegalStateException");
    }

    @Test
    void longReasonsAreShortened() {
        assertThat(DeadLetterReason.of(new IllegalArgumentException("x ".repeat(5000))))
                .hasSize(SafeText.MAX_LENGTH + 3).endsWith("...");
    }
}
