package dev.wgmesh.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class UpCommandTest {

    @Test
    void everyServiceHasAPortOfItsOwnWithAnyNumberOfDeployers() {
        UpCommand up = new UpCommand();
        new CommandLine(up).parseArgs("--ha", "--deployers", "9", "--port", "8080");

        Map<String, Integer> ports = up.servicePorts();

        assertThat(ports).hasSize(15).containsEntry("config-service-1", 8080).containsEntry("config-service-2", 8081)
                .containsEntry("keygen-service-2", 8100).containsEntry("renderer-service-2", 8101)
                .containsEntry("deployer-service-1", 8102).containsEntry("deployer-service-9", 8110);
        assertThat(ports.values()).doesNotHaveDuplicates();
    }

    @Test
    void withoutHaTheDeployersFollowTheRenderer() {
        UpCommand up = new UpCommand();
        new CommandLine(up).parseArgs("--deployers", "2", "--port", "8080");

        assertThat(up.servicePorts()).containsExactly(Map.entry("config-service", 8080),
                Map.entry("keygen-service", 8090), Map.entry("renderer-service", 8091),
                Map.entry("deployer-service-1", 8092), Map.entry("deployer-service-2", 8093));
    }

    @Test
    void moreBrokersThanThePortLayoutHoldsAreRefusedNamingTheOption() {
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new UpCommand()).execute("--brokers", "6", "../" + UpCommand.DEFAULT_GROUP);

            assertThat(exit).isEqualTo(1);
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("--brokers must be a number from 1 to 5, not 6");
        } finally {
            System.setErr(err);
        }
    }

    @Test
    void aTakenMetricsPortIsRefusedBeforeAnythingStarts() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort() - 22; // deployer 1's with --ha
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new UpCommand()).execute("--ha", "--port", Integer.toString(port),
                    "--kafka", "127.0.0.1:9", "../" + UpCommand.DEFAULT_GROUP);

            assertThat(exit).isEqualTo(1);
            assertThat(printed.toString(StandardCharsets.UTF_8))
                    .contains("port " + taken.getLocalPort() + " on 127.0.0.1 is in use");
        } finally {
            System.setErr(err);
        }
    }
}
