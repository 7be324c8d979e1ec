package dev.wgmesh.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.events.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KafkaAccessTest {

    @Test
    void theReadmeShowsTheTableTheBrokerGets() throws IOException {
        String readme = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("README.md"));
        assertThat(readme).as("README.md, \"Kafka principals\": paste `KafkaSetup table`").contains(KafkaSetup.table());
    }

    @Test
    void aConsumerWritesTheDeadLettersOfWhatItConsumesAndNoOtherDeadLetters() {
        KafkaAccess deployer = KafkaAccess.ALL.stream().filter(access -> access.principal().equals("deployer"))
                .findFirst().orElseThrow();
        assertThat(deployer.writeTopics()).containsExactlyInAnyOrder(Topics.DEPLOYMENT_REPORTED,
                Topics.HOST_HEALTH_REPORTED, Topics.deadLetter(Topics.HOST_CONFIG_RENDERED));
    }

    @Test
    void aTopicThatIsNotWgmeshsIsRefused() {
        assertThatThrownBy(() -> new KafkaAccess("x", Set.of("wgmesh.host-group-comands"), Set.of(), Set.of(), Set.of(),
                null)).hasMessage("x: \"wgmesh.host-group-comands\" is not a wgmesh topic");
    }
}
