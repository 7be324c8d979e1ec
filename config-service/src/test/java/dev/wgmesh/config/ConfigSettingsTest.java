package dev.wgmesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.config.domain.Quotas;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ConfigSettingsTest {

    @EnableConfigurationProperties(ConfigSettings.class)
    static class SettingsOnly {
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(SettingsOnly.class);

    @Test
    void theDefaultsAreTheSpecs() {
        context.run(started -> {
            ConfigSettings settings = started.getBean(ConfigSettings.class);
            assertThat(settings.quotas()).isEqualTo(new Quotas(1000, 20_000, 60));
            assertThat(settings.config()).isEqualTo(new ConfigSettings.Config(8_388_608, Duration.ofSeconds(10)));
            assertThat(settings.events()).isEqualTo(new ConfigSettings.Events(64, 2000));
            assertThat(settings.api().insecureNoAuth()).isFalse();
            assertThat(settings.apiToken()).isNull();
            assertThat(settings.rotationCheckInterval()).isEqualTo(Duration.ofSeconds(30));
        });
    }

    @Test
    void settingsAreReadUnderTheirNames() {
        context.withPropertyValues("wgmesh.max-groups=5", "wgmesh.max-hosts-total=50", "wgmesh.max-changes-per-minute=7",
                        "wgmesh.api-token=t0ken", "wgmesh.api-token-file=/run/secrets/token", "wgmesh.api.insecure-no-auth=true",
                        "wgmesh.config.max-body-bytes=1024", "wgmesh.config.request-timeout=3s",
                        "wgmesh.events.max-clients=2", "wgmesh.events.max-queued=9", "wgmesh.rotation-check-interval=2s",
                        "wgmesh.rollout-check-interval=500ms", "wgmesh.instance-id=config-2")
                .run(started -> assertThat(started.getBean(ConfigSettings.class)).isEqualTo(new ConfigSettings(5, 50, 7,
                        "t0ken", "/run/secrets/token", Duration.ofSeconds(2), Duration.ofMillis(500), "config-2",
                        new ConfigSettings.Api(true),
                        new ConfigSettings.Config(1024, Duration.ofSeconds(3)), new ConfigSettings.Events(2, 9))));
    }

    @Test
    void aValueOutOfRangeStopsTheStartNamingTheSettingAndTheValue() {
        context.withPropertyValues("wgmesh.max-changes-per-minute=0").run(started -> {
            assertThat(started).hasFailed();
            assertThat(started.getStartupFailure()).rootCause().hasMessageContaining("wgmesh.max-changes-per-minute")
                    .hasMessageContaining("must be at least 1 change");
        });
        context.withPropertyValues("wgmesh.config.request-timeout=0s").run(started -> {
            assertThat(started).hasFailed();
            assertThat(started.getStartupFailure()).rootCause().hasMessageContaining("wgmesh.config.request-timeout")
                    .hasMessageContaining("must be longer than 0");
        });
        context.withPropertyValues("wgmesh.events.max-queued=-1").run(started -> assertThat(started.getStartupFailure())
                .rootCause().hasMessageContaining("wgmesh.events.max-queued").hasMessageContaining("-1"));
        context.withPropertyValues("wgmesh.max-groups=lots").run(started -> assertThat(started).hasFailed());
        context.withPropertyValues("wgmesh.instance-id=a b").run(started -> assertThat(started.getStartupFailure())
                .rootCause().hasMessageContaining("wgmesh.instance-id").hasMessageContaining("a b"));
    }
}
