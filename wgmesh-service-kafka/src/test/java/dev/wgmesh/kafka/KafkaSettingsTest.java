package dev.wgmesh.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class KafkaSettingsTest {

    @Test
    void settingsAreReadUnderTheirNamesWithDefaults() {
        assertThat(bind(Map.of())).isEqualTo(new KafkaSettings("", (short) 1));
        assertThat(bind(Map.of("wgmesh.kafka.topic-prefix", "team-a.", "wgmesh.kafka.replication-factor", "3")))
                .isEqualTo(new KafkaSettings("team-a.", (short) 3));
    }

    @Test
    void aReplicationFactorBelowOneStopsTheStartNamingTheSettingAndTheValue() {
        assertThatThrownBy(() -> bind(Map.of("wgmesh.kafka.replication-factor", "0"))).rootCause()
                .hasMessage("wgmesh.kafka.replication-factor must be 1 or more, not 0");
    }

    private static KafkaSettings bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("wgmesh.kafka", KafkaSettings.class);
    }
}
