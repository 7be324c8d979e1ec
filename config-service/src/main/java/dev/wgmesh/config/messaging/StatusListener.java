package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.config.domain.StatusBoard;
import dev.wgmesh.kafka.DeadLetters;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Feeds the status board. A fresh consumer group each start reads both topics from the beginning, as
 * the board lives in memory only. Only what keygen and the deployers signed counts; records it cannot
 * read or verify are refused (counted and logged): the renderer and config-service's report guard send
 * them to those topics' dead letters once, and a DLT copy on every restart would only repeat.
 */
@Component
class StatusListener {

    private final StatusBoard board;
    private final RecordVerifier verifier;
    private final DeadLetters deadLetters;

    StatusListener(StatusBoard board, RecordVerifier verifier, DeadLetters deadLetters) {
        this.board = board;
        this.verifier = verifier;
        this.deadLetters = deadLetters;
    }

    @KafkaListener(topics = {Topics.HOST_GROUP_KEYS_GENERATED, Topics.DEPLOYMENT_REPORTED},
            groupId = "#{'wgmesh-config-status-' + T(java.util.UUID).randomUUID()}")
    void onRecord(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            if (record.topic().equals(Topics.DEPLOYMENT_REPORTED)) {
                board.reported(verifier.read(record, DeploymentReported.class));
            } else {
                board.keysGenerated(verifier.read(record, HostGroupKeysGenerated.class));
            }
        } catch (RuntimeException e) {
            deadLetters.refused(record, e);
        }
    }
}
