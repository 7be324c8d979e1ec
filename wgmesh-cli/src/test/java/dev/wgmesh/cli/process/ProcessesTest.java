package dev.wgmesh.cli.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessesTest {

    private static final List<String> OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC");

    @Test
    void configKeygenAndRendererStartOnTheQuickJitTheDeployersOnTheFullOne() {
        for (String module : List.of("config-service", "keygen-service", "renderer-service")) {
            assertThat(Processes.serviceJvmOptions(module, OPTIONS))
                    .containsExactly("-XX:TieredStopAtLevel=1", "-Xmx512m", "-XX:+UseSerialGC");
        }
        assertThat(Processes.serviceJvmOptions("deployer-service", OPTIONS)).isEqualTo(OPTIONS);
    }

    @Test
    void theUsersOptionsComeLastSoTheirJitWins() {
        // HotSpot takes the last of repeated -XX options
        assertThat(Processes.serviceJvmOptions("config-service", List.of("-XX:TieredStopAtLevel=4")))
                .last().isEqualTo("-XX:TieredStopAtLevel=4");
    }
}
