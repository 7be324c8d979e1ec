package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.SignedRecord;
import dev.wgmesh.config.domain.HealthBoard;
import dev.wgmesh.config.domain.StatusBoard;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.SignedTopicReader;
import java.util.List;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Feeds the status and health boards: reads the keys, the reports and the hosts' health from their beginning
 * at every start, as the boards live in memory only, and follows them. Only what keygen and the deployers signed counts; a
 * record that does not verify or read is refused (counted and logged): the renderer and config-service's
 * report guard send such records to the DLT once (a forged health record is only refused: nothing acts on it), and a DLT copy on every restart would only repeat.
 * A health record is verified here and read when its host's health is asked for (refused and logged then if it
 * does not read).
 */
@Component
class StatusListener implements SmartLifecycle {

    private final SignedTopicReader reader;

    StatusListener(StatusBoard board, HealthBoard health, GroupMetrics metrics, KafkaProperties kafkaProperties,
                   RecordVerifier verifier, DeadLetters deadLetters, TopicNames names) {
        this.reader = new SignedTopicReader(kafkaProperties.buildConsumerProperties(), "wgmesh-config-status", names,
                List.of(Topics.HOST_GROUP_KEYS_GENERATED, Topics.DEPLOYMENT_REPORTED, Topics.HOST_HEALTH_REPORTED),
                SignedTopicReader.From.BEGINNING, verifier, deadLetters,
                signed -> read(board, health, metrics, names.logical(signed.record().topic()).orElseThrow(), signed));
    }

    /** @param topic the record's logical topic */
    private static void read(StatusBoard board, HealthBoard health, GroupMetrics metrics, String topic,
                             SignedRecord signed) {
        if (signed.tombstone()) {
            if (topic.equals(Topics.HOST_HEALTH_REPORTED)) {
                health.forget(signed.record().key());
            }
            return;
        }
        switch (topic) {
            case Topics.DEPLOYMENT_REPORTED -> {
                DeploymentReported report = signed.event(DeploymentReported.class);
                board.reported(report);
                metrics.observed(report.group());
            }
            case Topics.HOST_HEALTH_REPORTED -> health.reported(signed.record().key(), signed.revision(),
                    () -> signed.event(HostHealthReported.class));
            default -> {
                HostGroupKeysGenerated keyed = signed.event(HostGroupKeysGenerated.class);
                board.keysGenerated(keyed);
                if (keyed.spec() == null) {
                    health.forgetGroup(keyed.group());
                }
                metrics.observed(keyed.group());
                metrics.keyed(keyed);
            }
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
