package dev.wgmesh.deployer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.TopicNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmUpTest {

    private final ExecutorService workers = Executors.newFixedThreadPool(4);

    @AfterEach
    void stopWorkers() {
        workers.shutdownNow();
    }

    @Test
    void appliesAndLooksAtEveryHostOfEachRevisionThenLeavesNothingBehind(@TempDir Path parent) throws IOException {
        WarmUp.Done done = WarmUp.run(12, 2, new TopicNames(""), workers, parent);

        assertThat(done.applied()).isEqualTo(24);
        // a look at each host after each revision: its health, and no repair (every host is in sync)
        assertThat(done.observed()).isEqualTo(24);
        try (Stream<Path> left = Files.list(parent)) {
            assertThat(left).isEmpty();
        }
    }
}
