package dev.wgmesh.cli.up;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.SecretKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The secrets up makes once in its data folder, each created 0600, so it is never readable by others, not even briefly. */
final class LocalFiles {

    private LocalFiles() {
    }

    /** The deployers' X25519 private key in {@code file}, made first if there is none; returns its public half. */
    static PublicKey deployerKey(Path file) throws IOException {
        SecretKey privateKey;
        if (Files.exists(file)) {
            privateKey = SecretKey.parse(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } else {
            privateKey = X25519Keys.generate(new SecureRandom()).privateKey();
            writePrivate(file, privateKey.base64() + "\n");
        }
        return X25519Keys.publicKeyOf(privateKey);
    }

    /** The API token in {@code file} (32 random bytes, hex), made first if there is none. */
    static String apiToken(Path file) throws IOException {
        if (!Files.exists(file) || Files.readString(file, StandardCharsets.US_ASCII).isBlank()) {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            Files.deleteIfExists(file);
            writePrivate(file, HexFormat.of().formatHex(bytes));
        }
        return Files.readString(file, StandardCharsets.US_ASCII).trim();
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardCharsets.US_ASCII);
    }
}
