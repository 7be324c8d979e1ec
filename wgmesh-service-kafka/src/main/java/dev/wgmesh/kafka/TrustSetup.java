package dev.wgmesh.kafka;

import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.common.trust.SigningKey;
import dev.wgmesh.common.trust.VerifyKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * Makes the services' signing keys where none are yet, for ./wgmesh up and for docker-compose:
 * {@code TrustSetup keys DIR} writes {@code DIR/<role>.key} (0600) for every signer that has none, and prints
 * the {@code WGMESH_TRUST_<ROLE>_KEYS=<public key>} lines every service needs (for compose's {@code .env}).
 */
public final class TrustSetup {

    private TrustSetup() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2 || !args[0].equals("keys")) {
            System.err.println("usage: TrustSetup keys DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        Files.createDirectories(dir);
        for (Signer signer : Signer.values()) {
            VerifyKey key = signingKey(dir.resolve(signer.role() + ".key"));
            System.out.println("WGMESH_TRUST_" + signer.role().toUpperCase(Locale.ROOT) + "_KEYS=" + key.base64());
        }
    }

    /** The signing key in {@code file}, made first if there is none; returns its public half. */
    public static VerifyKey signingKey(Path file) throws IOException {
        if (!Files.exists(file)) {
            // created 0600 from the start, so the key is never readable by others, not even briefly
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, SigningKey.generate(new SecureRandom()).base64() + "\n", StandardCharsets.US_ASCII);
        }
        return SigningKey.load(file, file.toString()).publicKey();
    }
}
