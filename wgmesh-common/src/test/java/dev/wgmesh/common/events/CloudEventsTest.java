package dev.wgmesh.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.testing.TestTrust;
import dev.wgmesh.common.trust.RecordSigner;
import dev.wgmesh.common.trust.Signer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CloudEventsTest {

    private static final String SOURCE = "/wgmesh/config-service";
    private static final RecordSigner CONFIG = TestTrust.signer(Signer.CONFIG);
    private static final RecordSigner RENDERER = TestTrust.signer(Signer.RENDERER);

    @Test
    void aRecordCarriesTheCloudEventsBinaryHeadersAndTheJsonValue() {
        HostGroupChanged event = EventJsonTest.changed();

        ProducerRecord<String, byte[]> record = CloudEvents.record(Topics.HOST_GROUP_CHANGED, event, CONFIG);

        assertThat(record.topic()).isEqualTo("wgmesh.host-group-changed");
        assertThat(record.key()).isEqualTo("prod");
        assertThat(record.partition()).isNull();
        assertThat(record.value()).isEqualTo(EventJson.write(event));
        assertThat(CloudEvents.header(record.headers(), "ce_specversion")).isEqualTo("1.0");
        assertThat(CloudEvents.header(record.headers(), "ce_id")).isEqualTo(event.eventId().toString());
        assertThat(CloudEvents.header(record.headers(), "ce_type")).isEqualTo("dev.wgmesh.host-group-changed.v1");
        assertThat(CloudEvents.header(record.headers(), "ce_source")).isEqualTo(SOURCE);
        assertThat(Instant.parse(CloudEvents.header(record.headers(), "ce_time"))).isEqualTo(event.occurredAt());
        assertThat(CloudEvents.header(record.headers(), "ce_time")).endsWith("Z");
        assertThat(CloudEvents.header(record.headers(), "ce_subject")).isEqualTo("prod");
        assertThat(CloudEvents.header(record.headers(), "content-type")).isEqualTo("application/json");
        assertThat(CloudEvents.header(record.headers(), CloudEvents.REVISION_HEADER)).isEqualTo("7");
        assertThat(CloudEvents.header(record.headers(), RecordSigner.SIGNER_HEADER)).isEqualTo(CONFIG.publicKey().id());
        assertThat(CloudEvents.header(record.headers(), RecordSigner.SIGNATURE_HEADER)).isNotBlank();
        assertThat(EventJson.read(record.value(), HostGroupChanged.class)).isEqualTo(event);
    }

    @Test
    void headersNameNoJavaClass() {
        ProducerRecord<String, byte[]> record = CloudEvents.record(Topics.HOST_CONFIG_RENDERED, EventJsonTest.rendered(),
                RENDERER);

        Set<String> names = new HashSet<>();
        for (Header header : record.headers()) {
            names.add(header.key());
            assertThat(new String(header.value(), StandardCharsets.UTF_8)).doesNotContain("dev.wgmesh.common")
                    .doesNotContain("java.");
        }
        assertThat(names).doesNotContain("__TypeId__", "spring_json_header_types");
        assertThat(record.key()).isEqualTo(HostConfigRendered.key(EventJsonTest.GROUP, HostName.parse("hoster-zima-0102")));
    }

    @Test
    void everyEventTypeIsVersionedAndDistinct() {
        Set<String> types = new HashSet<>(Arrays.asList(HostGroupChanged.TYPE, HostGroupKeysGenerated.TYPE,
                HostConfigRendered.TYPE, MeshPeersRendered.TYPE, DeploymentReported.TYPE, HostGroupChangeRejected.TYPE,
                HostHealthReported.TYPE, HostReapplyRequested.TYPE, RolloutProgressed.TYPE));

        assertThat(types).hasSize(9).allSatisfy(t -> assertThat(t).matches("dev\\.wgmesh\\.[a-z-]+\\.v1"));
        assertThat(EventJsonTest.events()).allSatisfy(e -> assertThat(types).contains(e.eventType()));
    }

    @Test
    void aTombstoneHasNoValueButSaysWhichChangeRemovedTheKey() {
        HostGroupChanged cause = EventJsonTest.changed();

        ProducerRecord<String, byte[]> record = CloudEvents.tombstone(Topics.HOST_CONFIG_RENDERED, "prod/gone", cause,
                RENDERER);

        assertThat(record.value()).isNull();
        assertThat(record.key()).isEqualTo("prod/gone");
        assertThat(CloudEvents.header(record.headers(), CloudEvents.REVISION_HEADER)).isEqualTo("7");
        assertThat(CloudEvents.header(record.headers(), CloudEvents.CORRELATION_HEADER))
                .isEqualTo(cause.correlationId().toString());
        assertThat(CloudEvents.header(record.headers(), "ce_source")).isEqualTo("/wgmesh/renderer-service");
    }

    @Test
    void headerReadsTheLastValueOrNull() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("x", "one".getBytes(StandardCharsets.UTF_8));
        headers.add("x", "two".getBytes(StandardCharsets.UTF_8));
        headers.add("empty", null);

        assertThat(CloudEvents.header(headers, "x")).isEqualTo("two");
        assertThat(CloudEvents.header(headers, "empty")).isNull();
        assertThat(CloudEvents.header(headers, "missing")).isNull();
    }

    @Test
    void topicsAreTheContractsNames() {
        assertThat(Topics.ALL).extracting(Topics.TopicSpec::name).contains("wgmesh.host-group-commands",
                "wgmesh.host-group-rejected", "wgmesh.host-group-changed", "wgmesh.host-group-keys-generated",
                "wgmesh.host-config-rendered", "wgmesh.mesh-peers-rendered", "wgmesh.deployment-reported",
                "wgmesh.host-health-reported", "wgmesh.rollout-progressed", "wgmesh.host-config-rendered-dlt")
                .doesNotHaveDuplicates();
        assertThat(Topics.ALL).filteredOn(Topics.TopicSpec::compacted).extracting(Topics.TopicSpec::name)
                .containsExactlyInAnyOrder(Topics.HOST_GROUP_CHANGED, Topics.HOST_GROUP_KEYS_GENERATED,
                        Topics.HOST_CONFIG_RENDERED, Topics.MESH_PEERS_RENDERED, Topics.HOST_HEALTH_REPORTED,
                        Topics.ROLLOUT_PROGRESSED);
        assertThat(Topics.deadLetter("t")).isEqualTo("t-dlt");
        assertThat(Topics.ALL).allSatisfy(t -> assertThat(t.partitions()).isPositive());
        assertThat(Topics.MAX_MESSAGE_BYTES).isGreaterThanOrEqualTo(1024 * 1024);
    }
}
