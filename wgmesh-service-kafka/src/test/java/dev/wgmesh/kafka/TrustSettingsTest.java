package dev.wgmesh.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.testing.TestTrust;
import dev.wgmesh.common.trust.Signer;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustSettingsTest {

    @Test
    void parsesEverySignersKeysAndSkipsBlankEntries() {
        String keygen = TestTrust.signer(Signer.KEYGEN).publicKey().base64();
        var settings = new TrustSettings(null, null, List.of(keygen, " "), List.of(), null);

        assertThat(settings.trusted().get(Signer.KEYGEN)).extracting(k -> k.base64()).containsExactly(keygen);
        assertThat(settings.trusted().get(Signer.CONFIG)).isEmpty();
        assertThat(settings.untrusted()).containsExactly(Signer.CONFIG, Signer.RENDERER, Signer.DEPLOYER);
    }

    @Test
    void aKeyThatDoesNotParseStopsTheStartNamingItsSetting() {
        var settings = new TrustSettings(null, null, null, List.of("not-a-key"), null);

        assertThatThrownBy(settings::trusted).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("wgmesh.trust.renderer-keys").hasMessageContaining("\"not-a-key\"");
    }
}
