package dev.wgmesh.common.trust;

import dev.wgmesh.common.events.CloudEvents;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Signs the records one service publishes: {@code wgmesh_signer} names the key, {@code wgmesh_signature}
 * (base64 Ed25519) covers topic, key, value and the {@code wgmesh_revision} header (see RecordSignature).
 */
public final class RecordSigner {

    public static final String SIGNATURE_HEADER = "wgmesh_signature";
    public static final String SIGNER_HEADER = "wgmesh_signer";

    private final Signer signer;
    private final SigningKey key;

    public RecordSigner(Signer signer, SigningKey key) {
        this.signer = signer;
        this.key = key;
    }

    public Signer signer() {
        return signer;
    }

    public VerifyKey publicKey() {
        return key.publicKey();
    }

    /** Adds the signature headers; the record must carry its revision header already. */
    public ProducerRecord<String, byte[]> sign(ProducerRecord<String, byte[]> record) {
        Headers headers = record.headers();
        String revision = CloudEvents.header(headers, CloudEvents.REVISION_HEADER);
        if (revision == null) {
            throw new IllegalArgumentException("a record to sign needs its " + CloudEvents.REVISION_HEADER + " header");
        }
        byte[] signature = key.sign(RecordSignature.message(record.topic(), record.key(), record.value(),
                Long.parseLong(revision)));
        headers.remove(SIGNER_HEADER).remove(SIGNATURE_HEADER);
        headers.add(SIGNER_HEADER, key.publicKey().id().getBytes(StandardCharsets.US_ASCII));
        headers.add(SIGNATURE_HEADER, Base64.getEncoder().encode(signature));
        return record;
    }

    @Override
    public String toString() {
        return "RecordSigner[" + signer.role() + " " + key.publicKey().id() + "]";
    }
}
