package dev.wgmesh.deployer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeployerSettingsTest {

    private static DeployerSettings settings(String target, String command, Duration timeout, int parallelHosts,
                                             int listeners, Duration interval) {
        return settings(target, command, timeout, parallelHosts, listeners, interval, 10_000, 200);
    }

    private static DeployerSettings settings(String target, String command, Duration timeout, int parallelHosts,
                                             int listeners, Duration interval, int tunnelMetricsLimit, int warmUpHosts) {
        return new DeployerSettings("/k", "", target, "./out", "", command, timeout, true, "", Duration.ofSeconds(10),
                parallelHosts, listeners, interval, tunnelMetricsLimit, warmUpHosts);
    }

    @Test
    void workableSettingsPass() {
        DeployerSettings ok = settings("command", "/opt/apply --ssh", Duration.ofSeconds(60), 4, 1,
                Duration.ofSeconds(30));

        assertThat(ok.observeInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void eachUnworkableValueStopsTheStartNamingTheSettingAndTheValue() {
        Duration s = Duration.ofSeconds(1);
        assertThatThrownBy(() -> settings("ftp", "", s, 4, 1, s)).hasMessage("wgmesh.target is \"ftp\": expected file or command");
        assertThatThrownBy(() -> settings("command", " ", s, 4, 1, s)).hasMessageContaining("wgmesh.command is empty");
        assertThatThrownBy(() -> settings("file", "", Duration.ZERO, 4, 1, s)).hasMessageContaining("wgmesh.command-timeout is PT0S");
        assertThatThrownBy(() -> settings("file", "", s, 0, 1, s)).hasMessage("wgmesh.parallel-hosts is 0: expected 1 or more");
        assertThatThrownBy(() -> settings("file", "", s, 4, -2, s)).hasMessageContaining("wgmesh.listener-concurrency is -2");
        assertThatThrownBy(() -> settings("file", "", s, 4, 1, Duration.ofMillis(10)))
                .hasMessageContaining("wgmesh.observe-interval is PT0.01S");
        assertThatThrownBy(() -> settings("file", "", s, 4, 1, s, -1, 200))
                .hasMessage("wgmesh.tunnel-metrics-limit is -1: expected 0 or more");
        assertThatThrownBy(() -> settings("file", "", s, 4, 1, s, 0, -1))
                .hasMessage("wgmesh.warm-up-hosts is -1: expected 0 to 1000");
        assertThatThrownBy(() -> settings("file", "", s, 4, 1, s, 0, 1001))
                .hasMessage("wgmesh.warm-up-hosts is 1001: expected 0 to 1000");
    }
}
