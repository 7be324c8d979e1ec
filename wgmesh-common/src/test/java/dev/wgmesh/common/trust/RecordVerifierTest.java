package dev.wgmesh.common.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.testing.TestGroups;
import dev.wgmesh.common.testing.TestTrust;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Every way a record can fail to be what its topic's owner signed, each refused with a reason. */
class RecordVerifierTest {

    private static final RecordVerifier VERIFIER = TestTrust.verifier();
    private static final UUID ID = UUID.randomUUID();
    private static final HostGroupChanged CHANGE = new HostGroupChanged(ID, GroupName.parse("prod"), 7, Instant.now(), ID,
            ChangeCause.UPSERT, null, TestGroups.keyed("prod", 7, TestGroups.spec(TestGroups.hosterJson(3))).event().spec(),
            null);

    @Test
    void aRecordSignedByItsTopicsOwnerIsRead() {
        ProducerRecord<String, byte[]> sent = CloudEvents.record(Topics.HOST_GROUP_CHANGED, CHANGE,
                TestTrust.signer(Signer.CONFIG));

        assertThat(VERIFIER.read(received(sent), HostGroupChanged.class)).isEqualTo(CHANGE);
        assertThat(VERIFIER.verify(received(sent)).revision()).isEqualTo(CHANGE.revision());
    }

    @Test
    void aTombstoneIsSignedWithItsRevision() {
        var sent = CloudEvents.tombstone(Topics.HOST_CONFIG_RENDERED, "prod/gone", CHANGE, TestTrust.signer(Signer.RENDERER));

        assertThat(VERIFIER.verify(received(sent)).revision()).isEqualTo(7);
        // the pinning attack: the same tombstone with a revision far ahead
        sent.headers().remove(CloudEvents.REVISION_HEADER).add(CloudEvents.REVISION_HEADER, bytes("9000000000000000000"));
        assertThatThrownBy(() -> VERIFIER.verify(received(sent))).isInstanceOf(UntrustedRecordException.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void anUnsignedRecordIsRefused() {
        var sent = new ProducerRecord<>(Topics.HOST_GROUP_CHANGED, null, "prod", signedValue(), new RecordHeaders());

        assertThatThrownBy(() -> VERIFIER.read(received(sent), HostGroupChanged.class))
                .isInstanceOf(UntrustedRecordException.class).hasMessageStartingWith("unsigned");
    }

    @Test
    void anotherServicesKeyIsNotTrustedForATopicItDoesNotOwn() {
        // keygen's key is trusted, but not for config-service's topic
        var sent = CloudEvents.record(Topics.HOST_GROUP_CHANGED, CHANGE, TestTrust.signer(Signer.KEYGEN));

        assertThatThrownBy(() -> VERIFIER.read(received(sent), HostGroupChanged.class))
                .isInstanceOf(UntrustedRecordException.class).hasMessageContaining("is not a trusted config key");
    }

    @Test
    void anUnknownKeyIsRefusedAndARolloverListTrustsBoth() {
        RecordSigner attacker = new RecordSigner(Signer.CONFIG, SigningKey.generate(new SecureRandom()));
        var sent = CloudEvents.record(Topics.HOST_GROUP_CHANGED, CHANGE, attacker);

        assertThatThrownBy(() -> VERIFIER.verify(received(sent))).isInstanceOf(UntrustedRecordException.class);
        var rollover = new RecordVerifier(Map.of(Signer.CONFIG,
                List.of(TestTrust.signer(Signer.CONFIG).publicKey(), attacker.publicKey())), new TopicNames(""));
        assertThat(rollover.verify(received(sent)).revision()).isEqualTo(7);
    }

    @Test
    void aSignedRecordMovedToAnotherTopicOrKeyOrChangedInOneByteIsRefused() {
        var sent = CloudEvents.record(Topics.HOST_GROUP_CHANGED, CHANGE, TestTrust.signer(Signer.CONFIG));
        byte[] changed = sent.value().clone();
        changed[changed.length - 2] ^= 1;
        // the genuine record checked first: a remembered signature must not let its copies through
        assertThat(VERIFIER.verify(received(sent)).revision()).isEqualTo(7);

        for (var forged : List.of(
                new ProducerRecord<>(Topics.HOST_GROUP_REJECTED, null, sent.key(), sent.value(), sent.headers()),
                new ProducerRecord<>(sent.topic(), null, "other", sent.value(), sent.headers()),
                new ProducerRecord<>(sent.topic(), null, sent.key(), changed, sent.headers()),
                new ProducerRecord<>(sent.topic(), null, sent.key(), (byte[]) null, sent.headers()))) {
            assertThatThrownBy(() -> VERIFIER.verify(received(forged))).isInstanceOf(UntrustedRecordException.class)
                    .hasMessageContaining("does not match");
        }
    }

    @Test
    void aSignedValueMustBeItsHeadersRevisionAndKey() {
        var signedAsEight = TestTrust.signed(Signer.CONFIG, Topics.HOST_GROUP_CHANGED, "prod", signedValue(), 8);
        assertThatThrownBy(() -> VERIFIER.read(received(signedAsEight), HostGroupChanged.class))
                .isInstanceOf(UntrustedRecordException.class).hasMessageContaining("is not the signed revision 8");

        var wrongKey = TestTrust.signed(Signer.CONFIG, Topics.HOST_GROUP_CHANGED, "elsewhere", signedValue(), 7);
        assertThatThrownBy(() -> VERIFIER.read(received(wrongKey), HostGroupChanged.class))
                .isInstanceOf(UntrustedRecordException.class).hasMessageContaining("\"elsewhere\"");
    }

    @Test
    void aDeadLetterTopicHasNoSignerSoNothingOnItIsAFact() {
        var sent = CloudEvents.record(Topics.deadLetter(Topics.HOST_GROUP_CHANGED), CHANGE, TestTrust.signer(Signer.CONFIG));

        assertThatThrownBy(() -> VERIFIER.verify(received(sent))).isInstanceOf(UntrustedRecordException.class)
                .hasMessageContaining("has no signer");
    }

    /**
     * The signature covers the topic's whole name, prefix included: installations that share a cluster (and
     * here even their keys) refuse each other's records, copied as they are onto their own topic.
     */
    @Test
    void aRecordIsBelievedOnlyOnTheTopicOfTheInstallationThatSignedIt() {
        TopicNames teamA = new TopicNames("team-a.");
        RecordVerifier verifierA = TestTrust.verifier(teamA);
        var sentByA = CloudEvents.record(teamA.of(Topics.HOST_GROUP_CHANGED), CHANGE, TestTrust.signer(Signer.CONFIG));
        var sentByOther = CloudEvents.record(Topics.HOST_GROUP_CHANGED, CHANGE, TestTrust.signer(Signer.CONFIG));

        assertThat(verifierA.read(received(sentByA), HostGroupChanged.class)).isEqualTo(CHANGE);
        var copiedToA = new ProducerRecord<>(teamA.of(Topics.HOST_GROUP_CHANGED), null, sentByOther.key(),
                sentByOther.value(), sentByOther.headers());
        assertThatThrownBy(() -> verifierA.verify(received(copiedToA))).isInstanceOf(UntrustedRecordException.class)
                .hasMessageContaining("does not match");
        var copiedFromA = new ProducerRecord<>(Topics.HOST_GROUP_CHANGED, null, sentByA.key(), sentByA.value(),
                sentByA.headers());
        assertThatThrownBy(() -> VERIFIER.verify(received(copiedFromA))).isInstanceOf(UntrustedRecordException.class)
                .hasMessageContaining("does not match");
        // the other installation's topic is none of A's, so it has no owner there
        assertThatThrownBy(() -> verifierA.verify(received(sentByOther))).isInstanceOf(UntrustedRecordException.class)
                .hasMessageContaining("has no signer");
    }

    @Test
    void theSigningKeysTextIsNeverShown() {
        SigningKey key = SigningKey.generate(new SecureRandom());

        assertThat(key.toString()).doesNotContain(key.base64()).contains("redacted");
    }

    private static byte[] signedValue() {
        return CloudEvents.record(Topics.HOST_GROUP_CHANGED, CHANGE, TestTrust.signer(Signer.CONFIG)).value();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<String, byte[]> received(ProducerRecord<String, byte[]> sent) {
        return new ConsumerRecord<>(sent.topic(), 0, 0, 0L, TimestampType.CREATE_TIME, 0, 0, sent.key(), sent.value(),
                sent.headers(), Optional.empty());
    }
}
