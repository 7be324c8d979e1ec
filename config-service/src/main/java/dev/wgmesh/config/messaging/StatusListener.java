package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.InvalidEventException;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.config.domain.StatusBoard;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Feeds the status board. A fresh consumer group each start reads both topics from the beginning, as
 * the board lives in memory only. Records it cannot read are skipped with a warning: the keygen and
 * renderer services own those topics' dead letters, and a DLT copy on every restart would only repeat.
 */
@Component
class StatusListener {

    private static final Logger log = LoggerFactory.getLogger(StatusListener.class);

    private final StatusBoard board;

    StatusListener(StatusBoard board) {
        this.board = board;
    }

    @KafkaListener(topics = {Topics.HOST_GROUP_KEYS_GENERATED, Topics.DEPLOYMENT_REPORTED},
            groupId = "#{'wgmesh-config-status-' + T(java.util.UUID).randomUUID()}")
    void onRecord(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            if (record.topic().equals(Topics.DEPLOYMENT_REPORTED)) {
                board.reported(EventJson.read(record.value(), DeploymentReported.class));
            } else {
                board.keysGenerated(EventJson.read(record.value(), HostGroupKeysGenerated.class));
            }
        } catch (InvalidEventException | IllegalArgumentException e) {
            log.warn("skipping {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }
}
