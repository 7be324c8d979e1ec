package dev.wgmesh.config.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class QuotasTest {

    @EnableConfigurationProperties(Quotas.class)
    static class QuotasOnly {
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(QuotasOnly.class);

    @Test
    void theDefaultsAreTheSpecs() {
        context.run(started -> assertThat(started.getBean(Quotas.class)).isEqualTo(new Quotas(1000, 20_000, 60)));
    }

    @Test
    void settingsAreRead() {
        context.withPropertyValues("wgmesh.max-groups=5", "wgmesh.max-hosts-total=50", "wgmesh.max-changes-per-minute=7")
                .run(started -> assertThat(started.getBean(Quotas.class)).isEqualTo(new Quotas(5, 50, 7)));
    }

    @Test
    void aLimitBelowOneStopsTheStartNamingTheSetting() {
        context.withPropertyValues("wgmesh.max-changes-per-minute=0").run(started -> {
            assertThat(started).hasFailed();
            assertThat(started.getStartupFailure()).rootCause().hasMessageContaining("wgmesh.max-changes-per-minute")
                    .hasMessageContaining("greater than or equal to 1");
        });
        context.withPropertyValues("wgmesh.max-groups=lots").run(started -> assertThat(started).hasFailed());
    }
}
