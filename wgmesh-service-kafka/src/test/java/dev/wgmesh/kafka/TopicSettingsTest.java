package dev.wgmesh.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.Topics;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class TopicSettingsTest {

    @Test
    void onThreeBrokersEveryTopicHasThreeReplicasAndAWriteNeedsTwo() {
        assertThat(WgmeshKafkaConfig.newTopics((short) 3)).hasSize(Topics.ALL.size()).allSatisfy(topic -> {
            assertThat(topic.replicationFactor()).isEqualTo((short) 3);
            assertThat(topic.configs()).containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
        });
    }

    @Test
    void onOneBrokerOneReplicaIsEnough() {
        assertThat(WgmeshKafkaConfig.newTopics((short) 1)).allSatisfy(topic ->
                assertThat(topic.configs()).containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1"));
    }
}
