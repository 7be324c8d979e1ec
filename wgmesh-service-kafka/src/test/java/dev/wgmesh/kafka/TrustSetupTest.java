package dev.wgmesh.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.trust.SigningKey;
import dev.wgmesh.common.trust.VerifyKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustSetupTest {

    @Test
    void aKeyIsMadeOnceOwnerOnlyAndKeptAfterwards(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("renderer.key");

        VerifyKey made = TrustSetup.signingKey(file);
        VerifyKey again = TrustSetup.signingKey(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(again.base64()).isEqualTo(made.base64());
        assertThat(SigningKey.load(file, "test").publicKey().base64()).isEqualTo(made.base64());
    }
}
