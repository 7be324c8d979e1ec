package dev.wgmesh.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class TopicSettingsTest {

    private static final TopicNames UNPREFIXED = new TopicNames("");

    @Test
    void onThreeBrokersEveryTopicHasThreeReplicasAndAWriteNeedsTwo() {
        assertThat(WgmeshKafkaConfig.newTopics(UNPREFIXED, (short) 3)).hasSize(Topics.ALL.size()).allSatisfy(topic -> {
            assertThat(topic.replicationFactor()).isEqualTo((short) 3);
            assertThat(topic.configs()).containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
        });
    }

    @Test
    void anInstallationWithAPrefixCreatesEveryTopicUnderItAndNoOther() {
        assertThat(WgmeshKafkaConfig.newTopics(new TopicNames("team-a."), (short) 1)).extracting(NewTopic::name)
                .containsExactlyElementsOf(Topics.ALL.stream().map(spec -> "team-a." + spec.name()).toList());
    }

    @Test
    void onOneBrokerOneReplicaIsEnough() {
        assertThat(WgmeshKafkaConfig.newTopics(UNPREFIXED, (short) 1)).allSatisfy(topic ->
                assertThat(topic.configs()).containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1"));
    }
}
