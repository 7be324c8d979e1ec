package dev.wgmesh.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.cli.process.ChildProcess;
import dev.wgmesh.cli.up.RestartPolicyTest.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupervisorTest {

    /** A process the test kills; each start is a new pid. */
    static final class FakeProcess implements ChildProcess {
        final String name;
        final Path log;
        boolean alive = true;
        int starts = 1;

        FakeProcess(String name, Path log) {
            this.name = name;
            this.log = log;
        }

        void die() {
            alive = false;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start() {
            alive = true;
            starts++;
        }

        @Override
        public boolean isAlive() {
            return alive;
        }

        @Override
        public int exitValue() {
            return 137;
        }

        @Override
        public Path log() {
            return log;
        }

        @Override
        public int terminate() {
            alive = false;
            return 143;
        }

        @Override
        public long pid() {
            return 1000 + starts;
        }
    }

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock();
    private final List<String> said = new ArrayList<>();
    private final Supervisor supervisor = new Supervisor(clock, said::add);

    @Test
    void aDeadProcessIsStartedAgainAfterItsDelayAndTheOthersAreLeftAlone() {
        FakeProcess deployer = new FakeProcess("deployer-service-2", dir.resolve("deployer-service-2.log"));
        FakeProcess other = new FakeProcess("deployer-service-1", dir.resolve("deployer-service-1.log"));
        supervisor.watch(other);
        supervisor.watch(deployer);
        clock.advance(Duration.ofMinutes(5));

        deployer.die();
        supervisor.check();
        assertThat(said).containsExactly("deployer-service-2 exited (code 137); restarting in 1 s");

        clock.advance(Duration.ofMillis(900));
        supervisor.check();
        assertThat(deployer.isAlive()).isFalse();

        clock.advance(Duration.ofMillis(100));
        supervisor.check();
        assertThat(deployer.isAlive()).isTrue();
        assertThat(deployer.starts).isEqualTo(2);
        assertThat(other.starts).isEqualTo(1);
        assertThat(said).last().isEqualTo("restarted deployer-service-2 (pid 1002)");
        assertThat(supervisor.failure()).isNull();
    }

    @Test
    void aRestartLoopEndsTheRunWithTheLastLogLines() throws IOException {
        Path log = dir.resolve("keygen-service.log");
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
            lines.append("line ").append(i).append('\n');
        }
        Files.writeString(log, lines + "APPLICATION FAILED TO START\n");
        FakeProcess keygen = new FakeProcess("keygen-service", log);
        supervisor.watch(keygen);

        for (int death = 1; death <= 4; death++) {
            keygen.die();
            supervisor.check();
            clock.advance(Duration.ofSeconds(8));
            supervisor.check();
            assertThat(keygen.isAlive()).as("started again after death %d", death).isTrue();
        }
        keygen.die();
        supervisor.check();

        assertThat(supervisor.failure()).startsWith("keygen-service died 5 times within 60 s (last exit code 137), "
                + "a restart loop; its last log lines (" + log + "):\n")
                .endsWith("line 40\nAPPLICATION FAILED TO START")
                .contains("line 12\n").doesNotContain("line 11\n");
        clock.advance(Duration.ofMinutes(1));
        supervisor.check();
        assertThat(keygen.isAlive()).as("no restart after the loop").isFalse();
        assertThat(said).filteredOn(line -> line.startsWith("keygen-service exited"))
                .containsExactly("keygen-service exited (code 137); restarting in 1 s",
                        "keygen-service exited (code 137); restarting in 2 s",
                        "keygen-service exited (code 137); restarting in 4 s",
                        "keygen-service exited (code 137); restarting in 8 s");
    }
}
