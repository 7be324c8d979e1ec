package dev.wgmesh.deployer.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.wireguard.WgConfigParser;
import dev.wgmesh.common.wireguard.WgConfigParser.ParsedConfig;
import dev.wgmesh.deployer.TestGroup;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretFillerTest {

    private final SecretFiller filler = new SecretFiller(List.of(TestGroup.DEPLOYER.privateKey()));

    /** The expected state made with the files is what reading the files back tells, so a look needs no secret. */
    @Test
    void theExpectedStateIsWhatTheWrittenFilesSay() throws DeployFailure {
        TestGroup mesh = TestGroup.mesh("m", 4);
        MeshPeersRendered table = mesh.peerTable(1);
        HostConfigRendered m2 = mesh.renderNamingPeerTable(1).get(mesh.host(2));

        SecretFiller.Filled filled = filler.fill(m2, table);

        ExpectedHost.ExpectedInterface expected = filled.expected().interfaces().get(0);
        byte[] bytes = filled.files().files().get(expected.config().name().fileName());
        ParsedConfig parsed = WgConfigParser.parse(new String(bytes, StandardCharsets.UTF_8));
        assertThat(expected.publicKey()).isEqualTo(X25519Keys.publicKeyOf(parsed.privateKey()))
                .isEqualTo(mesh.hostKeys().get(mesh.host(2)).publicKey());
        assertThat(expected.fileSha256()).isEqualTo(ExpectedHost.sha256(bytes));
        assertThat(expected.config().peers()).extracting(peer -> peer.publicKey())
                .containsExactlyElementsOf(parsed.peers().stream().map(peer -> peer.publicKey()).toList());
        // as the status shows a preshared key: the hex SHA-256 of its text
        assertThat(expected.presharedKeyIds()).hasSize(3).doesNotContain(0L).containsExactly(parsed.peers().stream()
                .mapToLong(peer -> ExpectedHost.idOf(ExpectedHost.presharedKeySha256(peer.presharedKey()))).toArray());
        assertThat(filled.toString()).isEqualTo("FilledDesiredFiles[wg0.conf]");
    }

    /**
     * A group's seed is opened once for all its hosts; another group's record carrying that sealed seed still
     * fails, as the seed is sealed to its own group.
     */
    @Test
    void aSeedOpenedForOneGroupIsNotBelievedForAnother() throws DeployFailure {
        TestGroup one = new TestGroup("one", 2);
        TestGroup two = new TestGroup("two", 2);
        HostConfigRendered first = one.render(1).get(one.host(1));
        HostConfigRendered second = one.render(1).get(one.host(2));
        assertThat(filler.fill(first, null).expected().interfaces().get(0).presharedKeyIds()).doesNotContain(0L);
        // the second host of the group: the same seed, so the same key between the two hosts
        assertThat(filler.fill(second, null).expected().interfaces().get(0).presharedKeyIds())
                .contains(filler.fill(first, null).expected().interfaces().get(0).presharedKeyIds()[0]);

        HostConfigRendered real = two.render(1).get(two.host(1));
        HostConfigRendered borrowed = new HostConfigRendered(real.eventId(), real.group(), real.revision(),
                real.occurredAt(), real.correlationId(), real.host(), real.os(), real.interfaces(), real.privateKey(),
                first.presharedKeySeed(), real.contentHash(), real.meshPeersHash());

        assertThatThrownBy(() -> filler.fill(borrowed, null)).isInstanceOf(DeployFailure.class)
                .hasMessageContaining("cannot open the sealed preshared-key seed");
        assertThat(filler.fill(real, null).files().files()).isNotEmpty();
    }
}
