package dev.wgmesh.kafka;

import dev.wgmesh.common.events.TopicNames;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * wgmesh's own Kafka settings, checked when a service starts: a value that cannot work stops the start naming the
 * setting and quoting the value.
 *
 * @param topicPrefix       {@code wgmesh.kafka.topic-prefix} (env WGMESH_TOPIC_PREFIX): put before every topic,
 *                          consumer group and transactional id of the installation ({@link TopicNames}); empty by default
 * @param replicationFactor {@code wgmesh.kafka.replication-factor} (env WGMESH_KAFKA_REPLICATION_FACTOR): the replicas
 *                          of the topics this service creates when they are missing; 1 or more
 */
@ConfigurationProperties("wgmesh.kafka")
record KafkaSettings(@DefaultValue("") String topicPrefix, @DefaultValue("1") short replicationFactor) {

    KafkaSettings {
        // checked while binding, so a bad value is what Boot reports when the start fails
        topicPrefix = new TopicNames(topicPrefix).prefix();
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("wgmesh.kafka.replication-factor must be 1 or more, not "
                    + replicationFactor);
        }
    }
}
