package dev.wgmesh.common.trust;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.events.WgmeshEvent;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The one check every consumer reads through: a record counts only when a key trusted for its topic's
 * owner signed exactly this topic, key, value and revision. Everything else is an
 * {@link UntrustedRecordException} whose message is a safe reason for the DLT. The signed topic is the one the
 * record is on, the installation's prefix included, so a record copied to another installation's topic of the
 * same logical name is refused there even where both trust the same keys.
 */
public final class RecordVerifier {

    /** How many checked signatures are remembered: more than a 1,000-host change's records on one topic. */
    static final int REMEMBERED = 8192;

    private final Map<Signer, List<VerifyKey>> trusted;
    private final TopicNames names;
    /**
     * The latest signatures that verified, each with its signer and the digest of the exact message it covers
     * (topic, key, value, revision): a service's readers often read the same record (config-service's report
     * guard and status board), and the Ed25519 check is the dearest thing done with a record. Only the same
     * record finds its entry; anything changed is another message and is checked.
     */
    private final Set<String> verified = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED;
                }
            }));

    /** @param names the installation's topics, whose owners are the signers of their logical names */
    public RecordVerifier(Map<Signer, List<VerifyKey>> trusted, TopicNames names) {
        this.trusted = new EnumMap<>(Signer.class);
        trusted.forEach((signer, keys) -> this.trusted.put(signer, List.copyOf(keys)));
        this.names = names;
    }

    public List<VerifyKey> trusted(Signer signer) {
        return trusted.getOrDefault(signer, List.of());
    }

    /** Checks the record's signature against the keys trusted for its topic's owner. */
    public SignedRecord verify(ConsumerRecord<String, byte[]> record) {
        Signer owner = names.logical(record.topic()).flatMap(Topics::owner)
                .orElseThrow(() -> new UntrustedRecordException("topic " + record.topic() + " has no signer in wgmesh"));
        String signerId = text(record.headers().lastHeader(RecordSigner.SIGNER_HEADER));
        String signature = text(record.headers().lastHeader(RecordSigner.SIGNATURE_HEADER));
        if (signerId == null || signature == null) {
            throw new UntrustedRecordException("unsigned: the record has no " + RecordSigner.SIGNER_HEADER + " and "
                    + RecordSigner.SIGNATURE_HEADER + " headers");
        }
        VerifyKey key = trusted(owner).stream().filter(k -> k.id().equals(signerId)).findFirst()
                .orElseThrow(() -> new UntrustedRecordException("signer " + InvalidValueException.quote(signerId)
                        + " is not a trusted " + owner.role() + " key, the owner of " + record.topic()));
        long revision = revision(record);
        byte[] signatureBytes;
        try {
            signatureBytes = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            throw new UntrustedRecordException("the " + RecordSigner.SIGNATURE_HEADER + " header is not base64");
        }
        byte[] message = RecordSignature.message(record.topic(), record.key(), record.value(), revision);
        String checked = signerId + ' ' + signature + ' '
                + Base64.getEncoder().encodeToString(RecordSignature.sha256(message));
        if (!verified.contains(checked)) {
            if (!key.verifies(message, signatureBytes)) {
                throw new UntrustedRecordException("the signature of " + owner.role() + " key " + signerId
                        + " does not match this topic, key, value and revision");
            }
            verified.add(checked);
        }
        return new SignedRecord(record, revision);
    }

    /** A verified record's event (see {@link SignedRecord#event}). */
    public <T extends WgmeshEvent> T read(ConsumerRecord<String, byte[]> record, Class<T> type) {
        return verify(record).event(type);
    }

    private static long revision(ConsumerRecord<String, byte[]> record) {
        String revision = CloudEvents.header(record.headers(), CloudEvents.REVISION_HEADER);
        if (revision == null) {
            throw new UntrustedRecordException("the record has no " + CloudEvents.REVISION_HEADER + " header");
        }
        try {
            long value = Long.parseLong(revision);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UntrustedRecordException("the " + CloudEvents.REVISION_HEADER + " header "
                    + InvalidValueException.quote(revision) + " is not a revision");
        }
    }

    private static String text(Header header) {
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
