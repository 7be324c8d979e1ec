package dev.wgmesh.keygen.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wgmesh.common.crypto.SealedSecret;
import dev.wgmesh.common.crypto.SecretSealer;
import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.Rollout;
import dev.wgmesh.common.group.Topology;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.SecretKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GroupKeyringTest {

    private static final GroupName GROUP = GroupName.parse("lab");
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private final X25519Keys.KeyPair deployer = X25519Keys.generate(new SecureRandom());
    private final GroupKeyring keyring =
            new GroupKeyring(new SecureRandom(), deployer.publicKey(), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void firstChangeKeysEveryHostAndCopiesTheChange() {
        HostGroupChanged change = change(1, ChangeCause.UPSERT, null, spec(true, "a", "b", "c"));

        HostGroupKeysGenerated keys = keyring.next(null, change);

        assertThat(keys.group()).isEqualTo(GROUP);
        assertThat(keys.revision()).isEqualTo(1);
        assertThat(keys.correlationId()).isEqualTo(change.correlationId());
        assertThat(keys.eventId()).isNotEqualTo(change.eventId());
        assertThat(keys.occurredAt()).isEqualTo(NOW);
        assertThat(keys.cause()).isEqualTo(ChangeCause.UPSERT);
        assertThat(keys.spec()).isEqualTo(change.spec());
        assertThat(keys.hosts()).extracting(h -> h.host().value()).containsExactly("a", "b", "c");
        assertThat(keys.hosts()).extracting(HostKeys::publicKey).doesNotHaveDuplicates();
        assertThat(keys.presharedKeySeed()).isNotNull();
    }

    @Test
    void upsertKeepsEveryKeyPairAndTheSeedAsTheSameSealedStrings() {
        HostGroupKeysGenerated first = keyring.next(null, change(1, ChangeCause.UPSERT, null, spec(true, "a", "b")));

        HostGroupKeysGenerated second = keyring.next(first, change(2, ChangeCause.UPSERT, null, spec(true, "a", "b")));

        assertThat(second.revision()).isEqualTo(2);
        assertThat(second.hosts()).isEqualTo(first.hosts());
        assertThat(second.hosts()).extracting(h -> h.privateKey().toString())
                .isEqualTo(first.hosts().stream().map(h -> h.privateKey().toString()).toList());
        assertThat(second.presharedKeySeed().toString()).isEqualTo(first.presharedKeySeed().toString());
    }

    @Test
    void addedHostGetsAPairRemovedHostIsForgottenOthersKeepTheirs() {
        HostGroupKeysGenerated first = keyring.next(null, change(1, ChangeCause.UPSERT, null, spec(true, "a", "b", "c")));

        HostGroupKeysGenerated second = keyring.next(first, change(2, ChangeCause.UPSERT, null, spec(true, "a", "c", "d")));

        Map<String, HostKeys> before = byName(first);
        Map<String, HostKeys> after = byName(second);
        assertThat(after).containsOnlyKeys("a", "c", "d");
        assertThat(after.get("a")).isEqualTo(before.get("a"));
        assertThat(after.get("c")).isEqualTo(before.get("c"));
        assertThat(after.get("d").publicKey()).isNotIn(before.values().stream().map(HostKeys::publicKey).toList());
        assertThat(second.presharedKeySeed()).isEqualTo(first.presharedKeySeed());

        HostGroupKeysGenerated third = keyring.next(second, change(3, ChangeCause.UPSERT, null, spec(true, "a", "b", "c", "d")));
        assertThat(byName(third).get("b").publicKey()).as("a host that left and came back gets a new pair")
                .isNotEqualTo(before.get("b").publicKey());
    }

    @Test
    void rotateHostChangesExactlyThatHostsPair() {
        HostGroupKeysGenerated first = keyring.next(null, change(1, ChangeCause.UPSERT, null, spec(true, "a", "b", "c")));

        HostGroupKeysGenerated rotated = keyring.next(first, change(2, ChangeCause.ROTATE_HOST, "b", spec(true, "a", "b", "c")));

        Map<String, HostKeys> before = byName(first);
        Map<String, HostKeys> after = byName(rotated);
        assertThat(rotated.cause()).isEqualTo(ChangeCause.ROTATE_HOST);
        assertThat(after.get("a")).isEqualTo(before.get("a"));
        assertThat(after.get("c")).isEqualTo(before.get("c"));
        assertThat(after.get("b").publicKey()).isNotEqualTo(before.get("b").publicKey());
        assertThat(after.get("b").privateKey()).isNotEqualTo(before.get("b").privateKey());
        assertThat(rotated.presharedKeySeed()).isEqualTo(first.presharedKeySeed());
        assertThat(open(after.get("b"))).satisfies(k -> assertThat(X25519Keys.publicKeyOf(k)).isEqualTo(after.get("b").publicKey()));
    }

    @Test
    void keysAreAgedFromWhenTheyWereMadeAndKeepTheirAgeUntilRotated() {
        HostGroupKeysGenerated first = keyring.next(null, change(1, ChangeCause.UPSERT, null, spec(true, "a", "b")));
        Instant later = NOW.plusSeconds(3600);
        GroupKeyring laterKeyring = new GroupKeyring(new SecureRandom(), deployer.publicKey(), Clock.fixed(later, ZoneOffset.UTC));

        HostGroupKeysGenerated rotated = laterKeyring.next(first, change(2, ChangeCause.ROTATE_HOST, "b", spec(true, "a", "b")));

        assertThat(first.hosts()).extracting(HostKeys::createdAt).containsOnly(NOW);
        assertThat(first.presharedKeySeedCreatedAt()).isEqualTo(NOW);
        assertThat(byName(rotated).get("a").createdAt()).isEqualTo(NOW);
        assertThat(byName(rotated).get("b").createdAt()).isEqualTo(later);
        assertThat(rotated.presharedKeySeedCreatedAt()).isEqualTo(NOW);
    }

    @Test
    void keysOfUnknownAgeAreAgedFromTheNextChange() {
        HostGroupKeysGenerated first = keyring.next(null, change(1, ChangeCause.UPSERT, null, spec(true, "a")));
        HostGroupKeysGenerated unaged = new HostGroupKeysGenerated(first.eventId(), first.group(), 1, NOW,
                first.correlationId(), first.cause(), first.spec(),
                first.hosts().stream().map(h -> new HostKeys(h.host(), h.publicKey(), h.privateKey())).toList(),
                first.presharedKeySeed());
        Instant later = NOW.plusSeconds(60);

        HostGroupKeysGenerated next = new GroupKeyring(new SecureRandom(), deployer.publicKey(),
                Clock.fixed(later, ZoneOffset.UTC)).next(unaged, change(2, ChangeCause.UPSERT, null, spec(true, "a")));

        assertThat(next.hosts()).extracting(HostKeys::createdAt).containsOnly(later);
        assertThat(next.hosts()).extracting(HostKeys::publicKey).isEqualTo(first.hosts().stream().map(HostKeys::publicKey).toList());
        assertThat(next.presharedKeySeedCreatedAt()).isEqualTo(later);
    }

    @Test
    void rotatingThePresharedKeysOrRevokingAHostReplacesTheSeedAndNoKeyPair() {
        HostGroupKeysGenerated first = keyring.next(null, change(1, ChangeCause.UPSERT, null, spec(true, "a", "b", "c")));

        HostGroupKeysGenerated psk = keyring.next(first, change(2, ChangeCause.ROTATE_PRESHARED_KEYS, null,
                spec(true, "a", "b", "c")));
        HostGroupChanged revoke = new HostGroupChanged(UUID.randomUUID(), GROUP, 3, NOW, UUID.randomUUID(),
                ChangeCause.REVOKE, null, spec(true, "a", "c"), null, List.of(HostName.parse("b")));
        HostGroupKeysGenerated revoked = keyring.next(psk, revoke);

        assertThat(psk.hosts()).isEqualTo(first.hosts());
        assertThat(psk.presharedKeySeed()).isNotEqualTo(first.presharedKeySeed());
        assertThat(revoked.hosts()).extracting(h -> h.host().value()).containsExactly("a", "c");
        assertThat(byName(revoked).get("a")).isEqualTo(byName(first).get("a"));
        assertThat(revoked.presharedKeySeed()).isNotEqualTo(psk.presharedKeySeed());
    }

    @Test
    void aScheduledRotationReplacesTheNamedHostsPairOrElseTheSeed() {
        HostGroupKeysGenerated first = keyring.next(null, change(1, ChangeCause.UPSERT, null, spec(true, "a", "b")));

        HostGroupKeysGenerated host = keyring.next(first, change(2, ChangeCause.SCHEDULED_ROTATION, "b", spec(true, "a", "b")));
        HostGroupKeysGenerated seed = keyring.next(host, change(3, ChangeCause.SCHEDULED_ROTATION, null, spec(true, "a", "b")));

        assertThat(byName(host).get("a")).isEqualTo(byName(first).get("a"));
        assertThat(byName(host).get("b").publicKey()).isNotEqualTo(byName(first).get("b").publicKey());
        assertThat(host.presharedKeySeed()).isEqualTo(first.presharedKeySeed());
        assertThat(seed.hosts()).isEqualTo(host.hosts());
        assertThat(seed.presharedKeySeed()).isNotEqualTo(host.presharedKeySeed());
    }

    @Test
    void rotateGroupChangesEveryPairAndTheSeed() {
        HostGroupKeysGenerated first = keyring.next(null, change(1, ChangeCause.UPSERT, null, spec(true, "a", "b", "c")));

        HostGroupKeysGenerated rotated = keyring.next(first, change(2, ChangeCause.ROTATE_GROUP, null, spec(true, "a", "b", "c")));

        Map<String, HostKeys> before = byName(first);
        byName(rotated).forEach((name, keys) -> {
            assertThat(keys.publicKey()).isNotEqualTo(before.get(name).publicKey());
            assertThat(keys.privateKey()).isNotEqualTo(before.get(name).privateKey());
        });
        assertThat(rotated.presharedKeySeed()).isNotNull().isNotEqualTo(first.presharedKeySeed());
        assertThat(openSeed(rotated)).isNotEqualTo(openSeed(first));
    }

    @Test
    void noSeedWithoutPresharedKeysAndANewOneWhenTheyAreTurnedOn() {
        HostGroupKeysGenerated on = keyring.next(null, change(1, ChangeCause.UPSERT, null, spec(true, "a", "b")));
        HostGroupKeysGenerated off = keyring.next(on, change(2, ChangeCause.UPSERT, null, spec(false, "a", "b")));
        HostGroupKeysGenerated offAgain = keyring.next(off, change(3, ChangeCause.UPSERT, null, spec(false, "a", "b")));
        HostGroupKeysGenerated onAgain = keyring.next(offAgain, change(4, ChangeCause.UPSERT, null, spec(true, "a", "b")));

        assertThat(off.presharedKeySeed()).isNull();
        assertThat(offAgain.presharedKeySeed()).isNull();
        assertThat(onAgain.presharedKeySeed()).isNotNull().isNotEqualTo(on.presharedKeySeed());
        assertThat(onAgain.hosts()).isEqualTo(on.hosts());
    }

    @Test
    void deleteForgetsTheKeysAndAGroupMadeAgainGetsNewOnes() {
        HostGroupKeysGenerated first = keyring.next(null, change(1, ChangeCause.UPSERT, null, spec(true, "a", "b")));

        HostGroupKeysGenerated deleted = keyring.next(first, change(2, ChangeCause.DELETE, null, null));
        HostGroupKeysGenerated again = keyring.next(deleted, change(3, ChangeCause.UPSERT, null, spec(true, "a", "b")));

        assertThat(deleted.cause()).isEqualTo(ChangeCause.DELETE);
        assertThat(deleted.spec()).isNull();
        assertThat(deleted.hosts()).isEmpty();
        assertThat(deleted.presharedKeySeed()).isNull();
        assertThat(deleted.revision()).isEqualTo(2);
        assertThat(again.hosts()).extracting(HostKeys::publicKey)
                .doesNotContainAnyElementsOf(first.hosts().stream().map(HostKeys::publicKey).toList());
        assertThat(again.presharedKeySeed()).isNotEqualTo(first.presharedKeySeed());
    }

    @Test
    void sealedSecretsOpenWithTheDeployerKeyForTheirOwnContextOnly() {
        HostGroupKeysGenerated keys = keyring.next(null, change(1, ChangeCause.UPSERT, null, spec(true, "a", "b")));

        for (HostKeys host : keys.hosts()) {
            assertThat(X25519Keys.publicKeyOf(open(host))).isEqualTo(host.publicKey());
        }
        assertThat(openSeed(keys).bytes()).hasSize(32);
        HostKeys a = byName(keys).get("a");
        assertThatThrownBy(() -> SecretSealer.open(a.privateKey(), deployer.privateKey(),
                HostKeys.privateKeyContext(GROUP, HostName.parse("b")))).isInstanceOf(IllegalArgumentException.class);
        SecretKey stranger = X25519Keys.generate(new SecureRandom()).privateKey();
        assertThatThrownBy(() -> SecretSealer.open(a.privateKey(), stranger, HostKeys.privateKeyContext(GROUP, a.host())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void publicKeysEqualWhatWgPubkeySays() throws Exception {
        HostGroupKeysGenerated keys = keyring.next(null, change(1, ChangeCause.UPSERT, null, spec(true, "a", "b", "c")));
        boolean required = "1".equals(System.getenv("WGMESH_REQUIRE_ROOT_TESTS"));
        if (!wgInstalled()) {
            if (required) {
                fail("wg (wireguard-tools) is not installed but WGMESH_REQUIRE_ROOT_TESTS=1");
            }
            assumeThat(false).as("wg (wireguard-tools) is not installed: skipping the wg pubkey comparison").isTrue();
        }

        for (HostKeys host : keys.hosts()) {
            assertThat(wgPubkey(open(host))).isEqualTo(host.publicKey().base64());
        }
    }

    @Test
    void toStringShowsNoSecret() {
        HostGroupKeysGenerated keys = keyring.next(null, change(1, ChangeCause.UPSERT, null, spec(true, "a", "b")));
        List<String> secrets = new ArrayList<>();
        keys.hosts().forEach(h -> secrets.add(open(h).base64()));
        secrets.add(openSeed(keys).base64());

        List<String> shown = new ArrayList<>(List.of(keys.toString()));
        keys.hosts().forEach(h -> shown.add(h.toString()));
        keys.hosts().forEach(h -> shown.add(open(h).toString()));

        for (String text : shown) {
            for (String secret : secrets) {
                assertThat(text).doesNotContain(secret);
            }
        }
        assertThat(keys.toString()).contains(keys.hosts().get(0).publicKey().base64());
    }

    @Test
    void aTwoThousandHostGroupIsKeyedAndItsRecordFitsOnTheTopic() {
        String[] names = new String[2000];
        for (int i = 0; i < names.length; i++) {
            names[i] = "h" + i;
        }

        HostGroupKeysGenerated keys = keyring.next(null, change(1, ChangeCause.UPSERT, null, spec(true, names)));

        assertThat(keys.hosts()).hasSize(2000).extracting(HostKeys::publicKey).doesNotHaveDuplicates();
        assertThat(EventJson.write(keys).length).isLessThan(Topics.MAX_MESSAGE_BYTES);
    }

    @Test
    void refusesKeysOfAnotherGroup() {
        HostGroupKeysGenerated other = new GroupKeyring(new SecureRandom(), deployer.publicKey(), Clock.systemUTC())
                .next(null, new HostGroupChanged(UUID.randomUUID(), GroupName.parse("other"), 1, NOW, UUID.randomUUID(),
                        ChangeCause.UPSERT, null, spec(true, "a"), null));

        assertThatThrownBy(() -> keyring.next(other, change(2, ChangeCause.UPSERT, null, spec(true, "a"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private SecretKey open(HostKeys host) {
        return SecretSealer.open(host.privateKey(), deployer.privateKey(), HostKeys.privateKeyContext(GROUP, host.host()));
    }

    private SecretKey openSeed(HostGroupKeysGenerated keys) {
        SealedSecret seed = keys.presharedKeySeed();
        return SecretSealer.open(seed, deployer.privateKey(), HostKeys.presharedKeySeedContext(GROUP));
    }

    @Test
    void aStagedRotationCarriesThePreviousKeysAndItsRollbackRestoresThem() {
        HostGroupSpec waves = inWaves(spec(true, "a", "b", "c"));
        HostGroupKeysGenerated first = keyring.next(null, change(1, ChangeCause.UPSERT, null, waves));
        HostGroupChanged rotate = change(2, ChangeCause.ROTATE_GROUP, null, waves).inWaves();

        HostGroupKeysGenerated rotated = keyring.next(first, rotate);
        HostGroupKeysGenerated rolledBack = keyring.next(rotated,
                change(3, ChangeCause.ROLLBACK, null, first.spec()));

        assertThat(rotated.previous()).isEqualTo(first);
        assertThat(rotated.hosts()).extracting(HostKeys::publicKey).doesNotContainAnyElementsOf(
                first.hosts().stream().map(HostKeys::publicKey).toList());
        assertThat(rolledBack.previous()).isNull();
        assertThat(rolledBack.revision()).isEqualTo(3);
        assertThat(rolledBack.hosts()).isEqualTo(first.hosts());
        assertThat(rolledBack.presharedKeySeed().toString()).isEqualTo(first.presharedKeySeed().toString());
        assertThat(rolledBack.presharedKeySeedCreatedAt()).isEqualTo(first.presharedKeySeedCreatedAt());
    }

    @Test
    void aChangeThatIsNotStagedCarriesNoPreviousKeysAndCannotBeRolledBack() {
        HostGroupKeysGenerated first = keyring.next(null, change(1, ChangeCause.UPSERT, null, spec(true, "a", "b")));
        HostGroupKeysGenerated second = keyring.next(first, change(2, ChangeCause.ROTATE_GROUP, null, first.spec()));

        assertThat(second.previous()).isNull();
        assertThatThrownBy(() -> keyring.next(second, change(3, ChangeCause.ROLLBACK, null, first.spec())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("revision 2 does not carry them");
    }

    static HostGroupSpec inWaves(HostGroupSpec spec) {
        return new HostGroupSpec(spec.topology(), spec.tunnelNetwork(), spec.mtu(), spec.persistentKeepalive(),
                spec.presharedKeys(), spec.allowBroadRoutes(), spec.driftPolicy(), spec.keyRotation(),
                new Rollout(Rollout.Strategy.WAVES, 1, new Rollout.WaveSize(1, false), 30, Rollout.OnFailure.ROLLBACK),
                spec.hosts());
    }

    private static Map<String, HostKeys> byName(HostGroupKeysGenerated keys) {
        return keys.hosts().stream().collect(Collectors.toMap(h -> h.host().value(), Function.identity()));
    }

    static HostGroupChanged change(long revision, ChangeCause cause, String rotatedHost, HostGroupSpec spec) {
        UUID eventId = UUID.randomUUID();
        return new HostGroupChanged(eventId, GROUP, revision, NOW, eventId, cause,
                rotatedHost == null ? null : HostName.parse(rotatedHost), spec, null);
    }

    static HostGroupSpec spec(boolean presharedKeys, String... hosts) {
        List<Host> list = new ArrayList<>();
        for (int i = 0; i < hosts.length; i++) {
            list.add(new Host(HostName.parse(hosts[i]), i + 1, Endpoint.parse("192.0.2." + (i % 250 + 1) + ":" + (51820 + i)), List.of(),
                    InterfaceAddress.parse("198.19." + (i % 250 + 1) + ".1/24"), "s" + (i + 1), null));
        }
        return new HostGroupSpec(Topology.HOSTER, null, null, null, presharedKeys, false, list);
    }

    private static boolean wgInstalled() {
        try {
            Process process = new ProcessBuilder("wg", "--version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String wgPubkey(SecretKey privateKey) throws Exception {
        Process process = new ProcessBuilder("wg", "pubkey").start();
        try (var stdin = process.getOutputStream()) {
            stdin.write((privateKey.base64() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        return PublicKey.parse(out).base64();
    }
}
