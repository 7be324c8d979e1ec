package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.wireguard.SecretKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads the deployers' private key: base64 as {@code wg genkey} writes it. */
public final class DeployerKey {

    private static final Logger log = LoggerFactory.getLogger(DeployerKey.class);

    private DeployerKey() {
    }

    /** Fails with a clear message when the file is not given, missing, unreadable or not a key. */
    public static SecretKey load(String file) {
        if (file == null || file.isBlank()) {
            throw new IllegalStateException("wgmesh.deployer-private-key-file (env WGMESH_DEPLOYER_PRIVATE_KEY_FILE)"
                    + " is not set: deployers need the private key that opens the secrets keygen seals");
        }
        Path path = Path.of(file);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new IllegalStateException("the deployer private key file " + path.toAbsolutePath()
                    + " does not exist or is not readable (wgmesh.deployer-private-key-file)");
        }
        String text;
        try {
            text = Files.readString(path, StandardCharsets.US_ASCII).trim();
            warnIfShared(path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the deployer private key file " + path.toAbsolutePath()
                    + ": " + e.getMessage());
        }
        SecretKey key;
        try {
            key = SecretKey.parse(text);
        } catch (IllegalArgumentException e) {
            // the parser's message quotes the value, and the value may be a secret: say what is wrong without it
            throw new IllegalStateException("the deployer private key file " + path.toAbsolutePath()
                    + " does not hold a WireGuard private key (one line of 44 base64 characters, as `wg genkey` writes)");
        }
        log.info("deployer key loaded from {}; its public key is {}", path, X25519Keys.publicKeyOf(key));
        return key;
    }

    private static void warnIfShared(Path path) throws IOException {
        try {
            Set<PosixFilePermission> modes = Files.getPosixFilePermissions(path);
            if (modes.contains(PosixFilePermission.GROUP_READ) || modes.contains(PosixFilePermission.OTHERS_READ)) {
                log.warn("the deployer private key file {} is group- or world-readable; chmod 600 it", path);
            }
        } catch (UnsupportedOperationException e) {
            // no POSIX modes on this file system: nothing to check
        }
    }
}
