package dev.wgmesh.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeTextTest {

    @Test
    void cutsWhatLooksLikeAKeyFromAToolsMessage() {
        String stderr = "Key is not the correct length or format: `8ENVDkmvhSlONyWDYSBU+hP0YUxasjWmYvH7P/3zCU0='";
        assertThat(SafeText.redact(stderr))
                .isEqualTo("Key is not the correct length or format: `[redacted]'")
                .doesNotContain("8ENVDkmv");
    }

    @Test
    void keepsOrdinaryTextAsItIs() {
        assertThat(SafeText.redact("'wg-quick up wg0' failed (exit 1): Address already in use"))
                .isEqualTo("'wg-quick up wg0' failed (exit 1): Address already in use");
    }
}
