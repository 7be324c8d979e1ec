package dev.wgmesh.common.testing;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.trust.RecordSigner;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.common.trust.SigningKey;
import dev.wgmesh.common.trust.VerifyKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The signing keys of the four services in tests: made once per test JVM, their files in a temporary
 * folder (mode 0600), so services started by tests sign and verify as in production.
 */
public final class TestTrust {

    private static final Map<Signer, SigningKey> KEYS = new EnumMap<>(Signer.class);
    private static final Map<Signer, Path> FILES = new EnumMap<>(Signer.class);

    static {
        SecureRandom random = new SecureRandom();
        try {
            Path dir = Files.createTempDirectory("wgmesh-test-keys",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            dir.toFile().deleteOnExit();
            for (Signer signer : Signer.values()) {
                SigningKey key = SigningKey.generate(random);
                Path file = dir.resolve(signer.role() + ".key");
                Files.writeString(file, key.base64() + "\n");
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                file.toFile().deleteOnExit();
                KEYS.put(signer, key);
                FILES.put(signer, file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TestTrust() {
    }

    /** Signs as the service would: what a test publishes in a service's name. */
    public static RecordSigner signer(Signer signer) {
        return new RecordSigner(signer, KEYS.get(signer));
    }

    /** A verifier that trusts the four services' test keys on the topics of an installation without a prefix. */
    public static RecordVerifier verifier() {
        return verifier(new TopicNames(""));
    }

    /** A verifier that trusts the four services' test keys on the topics of the installation with these names. */
    public static RecordVerifier verifier(TopicNames names) {
        Map<Signer, List<VerifyKey>> trusted = new EnumMap<>(Signer.class);
        KEYS.forEach((signer, key) -> trusted.put(signer, List.of(key.publicKey())));
        return new RecordVerifier(trusted, names);
    }

    /** Any value, even one that is no event, signed in the service's name at this revision: poison from inside. */
    public static ProducerRecord<String, byte[]> signed(Signer signer, String topic, String key, byte[] value,
                                                        long revision) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        record.headers().add(CloudEvents.REVISION_HEADER, Long.toString(revision).getBytes(StandardCharsets.UTF_8));
        return signer(signer).sign(record);
    }

    public static Path keyFile(Signer signer) {
        return FILES.get(signer);
    }

    /** The trust settings of one service: its own key file, and every service's public key. */
    public static Map<String, String> properties(Signer self) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("wgmesh.trust.signing-key-file", FILES.get(self).toString());
        KEYS.forEach((signer, key) -> properties.put(signer.trustProperty(), key.publicKey().base64()));
        return properties;
    }
}
