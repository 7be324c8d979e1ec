package dev.wgmesh.kafka;

import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.trust.RecordSigner;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.common.trust.SigningKey;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * The Kafka wiring every service imports: the client settings file, the installation's names (its prefix before
 * every topic, consumer group and transactional id), all topics declared, the dead-letter recoverer, and trust: the
 * service signs what it publishes with its own key and believes only records its producers signed. The importing
 * service declares which {@link Signer} it is.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({TrustSettings.class, KafkaSettings.class})
public class WgmeshKafkaConfig {

    private static final Logger log = LoggerFactory.getLogger(WgmeshKafkaConfig.class);

    /** Static: it post-processes Boot's KafkaProperties before any client is made from them. */
    @Bean
    static KafkaClientFile kafkaClientFile(Environment environment) {
        return new KafkaClientFile(environment.getProperty(KafkaClientFile.PROPERTY, ""));
    }

    /**
     * The installation's names of its topics, consumer groups and transactional ids, from the one setting of its
     * prefix. Listeners name their topics and groups through it too:
     * {@code #{@topicNames.of('wgmesh.host-group-changed')}}.
     */
    @Bean
    TopicNames topicNames(KafkaSettings settings) {
        if (!settings.topicPrefix().isEmpty()) {
            log.info("topics, consumer groups and transactional ids start with {}", settings.topicPrefix());
        }
        return new TopicNames(settings.topicPrefix());
    }

    /** The consumer group of Spring's consumers ({@code spring.kafka.consumer.group-id}) is the installation's own. */
    @Bean
    DefaultKafkaConsumerFactoryCustomizer installationGroupId(TopicNames names) {
        return factory -> {
            Object group = factory.getConfigurationProperties().get(ConsumerConfig.GROUP_ID_CONFIG);
            if (group != null) {
                factory.updateConfigs(Map.of(ConsumerConfig.GROUP_ID_CONFIG, names.of(group.toString())));
            }
        };
    }

    /**
     * So are the transactional ids ({@code spring.kafka.producer.transaction-id-prefix}): two installations' replicas
     * with the same instance id would fence each other's producers otherwise.
     */
    @Bean
    DefaultKafkaProducerFactoryCustomizer installationTransactionalIds(TopicNames names) {
        return factory -> {
            if (factory.getTransactionIdPrefix() != null) {
                factory.setTransactionIdPrefix(names.of(factory.getTransactionIdPrefix()));
            }
        };
    }

    /**
     * Every service declares every topic, so start order does not matter. On a locked broker the launcher
     * created them all before (the services may only describe them), so KafkaAdmin finds them and creates nothing.
     */
    @Bean
    KafkaAdmin.NewTopics wgmeshTopics(TopicNames names, KafkaSettings settings) {
        return new KafkaAdmin.NewTopics(newTopics(names, settings.replicationFactor()).toArray(NewTopic[]::new));
    }

    /**
     * Every wgmesh topic of the installation with its partitions, cleanup policy and record size. With three
     * replicas or more a write (acks=all) needs two in sync, so an acknowledged record survives the loss of any one
     * broker.
     */
    static List<NewTopic> newTopics(TopicNames names, short replicationFactor) {
        String minInSync = Integer.toString(minInSyncReplicas(replicationFactor));
        return Topics.ALL.stream()
                .map(spec -> new NewTopic(names.of(spec.name()), spec.partitions(), replicationFactor).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        spec.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topics.MAX_MESSAGE_BYTES),
                        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInSync)))
                .toList();
    }

    /** The replicas a write needs in sync: two of three or more, so any one broker may die; else one. */
    public static int minInSyncReplicas(int replicationFactor) {
        return replicationFactor >= 3 ? 2 : 1;
    }

    /** Fails the start without a readable key: a service that cannot sign publishes nothing anyone believes. */
    @Bean
    RecordSigner recordSigner(Signer signer, TrustSettings settings) {
        RecordSigner recordSigner = new RecordSigner(signer,
                SigningKey.load(settings.signingKeyFile(), "wgmesh.trust.signing-key-file"));
        log.info("{} signs its records with key {} (public {})", signer.role(), recordSigner.publicKey().id(),
                recordSigner.publicKey().base64());
        return recordSigner;
    }

    @Bean
    RecordVerifier recordVerifier(TrustSettings settings, TopicNames names) {
        RecordVerifier verifier = new RecordVerifier(settings.trusted(), names);
        log.info("trusted signers: {}", java.util.Arrays.stream(Signer.values())
                .map(s -> s.role() + " " + verifier.trusted(s).stream().map(k -> k.id()).collect(Collectors.joining(",", "[", "]")))
                .collect(Collectors.joining(", ")));
        // not a failure: a service need not read every signer's topics, and tests run some without keys
        settings.untrusted().forEach(signer -> log.warn("{} is empty: every record {}-service signs is refused here",
                signer.trustProperty(), signer.role()));
        return verifier;
    }

    /** Each listener's log lines about a record carry its group, host and correlationId (Boot sets it on the listeners). */
    @Bean
    RecordInterceptor<Object, Object> recordLogContext() {
        return new RecordInterceptor<>() {
            @Override
            public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
                RecordLogContext.of(record);
                return record;
            }

            @Override
            public void afterRecord(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
                RecordLogContext.of(record).close();
            }
        };
    }

    @Bean
    DeadLetters deadLetters(KafkaTemplate<String, byte[]> template, MeterRegistry meters) {
        return new DeadLetters(template, meters);
    }
}
