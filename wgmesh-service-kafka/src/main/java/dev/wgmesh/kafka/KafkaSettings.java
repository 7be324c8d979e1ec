package dev.wgmesh.kafka;

import dev.wgmesh.common.events.TopicNames;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * wgmesh's own Kafka settings, checked when a service starts: a value that cannot work stops the start naming the
 * setting and quoting the value.
 *
 * @param topicPrefix {@code wgmesh.kafka.topic-prefix} (env WGMESH_TOPIC_PREFIX): put before every topic, consumer
 *                    group and transactional id of the installation ({@link TopicNames}); empty by default
 */
@ConfigurationProperties("wgmesh.kafka")
record KafkaSettings(@DefaultValue("") String topicPrefix) {

    KafkaSettings {
        // checked while binding, so a bad prefix is what Boot reports when the start fails
        topicPrefix = new TopicNames(topicPrefix).prefix();
    }
}
