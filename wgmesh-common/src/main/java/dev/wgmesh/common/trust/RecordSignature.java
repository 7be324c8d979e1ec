package dev.wgmesh.common.trust;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What a record's signature covers: its topic, key, value (or that it is a tombstone) and revision. A
 * signed record copied to another topic or key, changed in one byte, or given another revision no longer
 * verifies. The value enters by its SHA-256, so a 16 MB record is not copied to be signed.
 */
final class RecordSignature {

    private static final byte[] DOMAIN = "wgmesh-record-signature-v1".getBytes(StandardCharsets.US_ASCII);

    private RecordSignature() {
    }

    static byte[] message(String topic, String key, byte[] value, long revision) {
        var bytes = new ByteArrayOutputStream(160);
        try (var out = new DataOutputStream(bytes)) {
            out.write(DOMAIN);
            text(out, topic);
            text(out, key);
            out.writeBoolean(value != null);
            out.write(value == null ? new byte[32] : sha256(value));
            out.writeLong(revision);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static void text(DataOutputStream out, String text) throws IOException {
        byte[] utf8 = text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
        out.writeBoolean(text != null);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
