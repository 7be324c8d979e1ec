package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.SignedRecord;
import dev.wgmesh.config.domain.StatusBoard;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.SignedTopicReader;
import java.util.List;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Feeds the status board: reads the keys and the reports from their beginning at every start, as the
 * board lives in memory only, and follows them. Only what keygen and the deployers signed counts; a
 * record that does not verify or read is refused (counted and logged): the renderer and config-service's
 * report guard send such records to the DLT once, and a DLT copy on every restart would only repeat.
 */
@Component
class StatusListener implements SmartLifecycle {

    private final SignedTopicReader reader;

    StatusListener(StatusBoard board, KafkaProperties kafkaProperties, RecordVerifier verifier, DeadLetters deadLetters) {
        this.reader = new SignedTopicReader(kafkaProperties.buildConsumerProperties(), "wgmesh-config-status",
                List.of(Topics.HOST_GROUP_KEYS_GENERATED, Topics.DEPLOYMENT_REPORTED), SignedTopicReader.From.BEGINNING,
                verifier, deadLetters, signed -> read(board, signed));
    }

    private static void read(StatusBoard board, SignedRecord signed) {
        if (signed.tombstone()) {
            return;
        }
        if (signed.record().topic().equals(Topics.DEPLOYMENT_REPORTED)) {
            board.reported(signed.event(DeploymentReported.class));
        } else {
            board.keysGenerated(signed.event(HostGroupKeysGenerated.class));
        }
    }

    @Override
    public void start() {
        reader.start();
    }

    @Override
    public void stop() {
        reader.stop();
    }

    @Override
    public boolean isRunning() {
        return reader.isRunning();
    }
}
