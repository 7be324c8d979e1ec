package dev.wgmesh.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.InterfaceName;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.SecretKey;
import dev.wgmesh.common.wireguard.WgConfig;
import dev.wgmesh.common.wireguard.WgConfigWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class WireGuardToolsTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void missingToolsSkipTheTestUnlessTheyAreRequired() {
        assertThatThrownBy(() -> WireGuardTools.skipOrFail("`wg` is not installed", false))
                .isInstanceOf(TestAbortedException.class).hasMessageContaining("`wg` is not installed");
        assertThatThrownBy(() -> WireGuardTools.skipOrFail("not running as root (uid 1000)", true))
                .isInstanceOf(AssertionError.class).hasMessageContaining("WGMESH_REQUIRE_ROOT_TESTS=1")
                .hasMessageContaining("not running as root");
    }

    @Test
    void whyUnavailableNamesRootAndTheTools() {
        String why = WireGuardTools.whyUnavailable();
        boolean root = ProcessHandle.current().info().user().map("root"::equals).orElse(false);

        if (root && WireGuardTools.find("wg") != null && WireGuardTools.find("wireguard-go") != null
                && WireGuardTools.find("wg-quick") != null && WireGuardTools.find("ip") != null) {
            assertThat(why).isNull();
        } else {
            assertThat(why).isNotBlank();
        }
    }

    @Test
    void aWrittenConfigPassesStripAndSetconf() throws Exception {
        WireGuardTools.assumeAvailable();
        X25519Keys.KeyPair own = X25519Keys.generate(RANDOM);
        X25519Keys.KeyPair first = X25519Keys.generate(RANDOM);
        X25519Keys.KeyPair second = X25519Keys.generate(RANDOM);
        Map<PublicKey, SecretKey> psks = Map.of(first.publicKey(), X25519Keys.generate(RANDOM).privateKey(),
                second.publicKey(), X25519Keys.generate(RANDOM).privateKey());
        WgConfig config = new WgConfig(new InterfaceName("wg-zima-0101"),
                List.of(InterfaceAddress.parse("198.19.1.10/24")), 51821, 1420, List.of(
                new WgConfig.Peer(HostName.parse("hoster-zima-0102"), first.publicKey(), true,
                        List.of(Cidr.parse("198.19.1.11/32"), Cidr.parse("10.10.102.0/24")),
                        Endpoint.parse("192.0.2.2:51821"), 25),
                new WgConfig.Peer(HostName.parse("hoster-zima-0103"), second.publicKey(), true,
                        List.of(Cidr.parse("198.19.1.12/32"), Cidr.parse("fd00:103::/64")),
                        Endpoint.parse("[2001:db8::3]:51821"), 25)));
        Path conf = dir.resolve("wg-zima-0101.conf");
        Files.writeString(conf, WgConfigWriter.write(config, own.privateKey(), psks::get));

        String stripped = WireGuardTools.strip(conf);
        assertThat(stripped).contains("PrivateKey = " + own.privateKey().base64())
                .contains("PublicKey = " + first.publicKey().base64())
                .contains("PresharedKey = " + psks.get(second.publicKey()).base64())
                .contains("PersistentKeepalive = 25")
                .doesNotContain("Address").doesNotContain("MTU");
        assertThat(conf).exists();

        WireGuardTools.setconf(conf);
    }

    @Test
    void setconfFailsOnAFileWgRejects() throws Exception {
        WireGuardTools.assumeAvailable();
        Path conf = dir.resolve("wg0.conf");
        Files.writeString(conf, "[Interface]\nListenPort = 51820\nPrivateKey = not-a-key\n");

        assertThatThrownBy(() -> WireGuardTools.setconf(conf)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("wg setconf");
    }
}
