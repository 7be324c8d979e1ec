package dev.wgmesh.deployer.messaging;

import dev.wgmesh.common.events.HostReapplyRequested;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.SignedRecord;
import dev.wgmesh.deployer.domain.Observer;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.SignedTopicReader;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * Every replica reads wgmesh.host-reapply-requested from its end, believing only what config-service
 * signed; the one that owns the host applies it again now (cause reapply), the others let it pass. A
 * request replayed applies the host's current configs once more, nothing else.
 */
@Component
class ReapplyReader implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReapplyReader.class);

    private final SignedTopicReader reader;

    ReapplyReader(Observer observer, ConsumerFactory<?, ?> consumerFactory, RecordVerifier verifier,
                  DeadLetters deadLetters, TopicNames names) {
        this.reader = new SignedTopicReader(consumerFactory.getConfigurationProperties(), "wgmesh-deployer-reapply",
                names, List.of(Topics.HOST_REAPPLY_REQUESTED), SignedTopicReader.From.END, verifier, deadLetters,
                signed -> read(observer, signed));
    }

    private static void read(Observer observer, SignedRecord signed) {
        HostReapplyRequested request = signed.event(HostReapplyRequested.class);
        if (observer.reapply(request.group(), request.host())) {
            log.info("{}: reapply asked by {}", request.recordKey(), request.actor());
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
