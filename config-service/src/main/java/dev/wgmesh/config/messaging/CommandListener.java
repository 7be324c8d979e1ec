package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.HostGroupChangeRejected;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.config.domain.Accepted;
import dev.wgmesh.config.domain.GroupCommand;
import dev.wgmesh.config.domain.GroupService;
import dev.wgmesh.config.domain.RequestRejected;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Change requests from automation, through the same {@link GroupService} as the API. A rejection is
 * answered on wgmesh.host-group-rejected; an unreadable record goes to the DLT (error handler).
 */
@Component
class CommandListener {

    private static final Logger log = LoggerFactory.getLogger(CommandListener.class);

    private final GroupService service;
    private final KafkaTemplate<String, byte[]> template;
    private final Duration sendTimeout;
    private final Clock clock = Clock.systemUTC();

    CommandListener(GroupService service, KafkaTemplate<String, byte[]> template,
                    @Value("${wgmesh.kafka.send-timeout:20s}") Duration sendTimeout) {
        this.service = service;
        this.template = template;
        this.sendTimeout = sendTimeout;
    }

    @KafkaListener(topics = Topics.HOST_GROUP_COMMANDS)
    void onCommand(ConsumerRecord<String, byte[]> record) {
        GroupCommand command = GroupCommand.parse(record.key(), record.value());
        try {
            Accepted accepted = service.execute(command);
            log.info("command {} for group {} accepted as revision {}", command.action(), command.group(),
                    accepted.change().revision());
        } catch (RequestRejected rejected) {
            log.info("command for group {} rejected: {}", command.group(), rejected.getMessage());
            UUID id = UUID.randomUUID();
            var event = new HostGroupChangeRejected(id, command.group(), rejected.revision(), clock.instant(),
                    command.requestId() != null ? command.requestId() : id, rejected.status(), rejected.problems());
            KafkaChangePublisher.send(template, CloudEvents.record(Topics.HOST_GROUP_REJECTED, command.group().value(),
                    event, KafkaChangePublisher.SOURCE), sendTimeout);
        }
    }
}
