package dev.wgmesh.common.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.HostOs;
import dev.wgmesh.common.group.Problem;
import dev.wgmesh.common.group.Rollout;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.render.HostFiles;
import dev.wgmesh.common.testing.TestGroups;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.common.wireguard.SecretKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class EventJsonTest {

    static final GroupName GROUP = GroupName.parse("prod");
    static final TestGroups.Keyed KEYED = TestGroups.keyed("prod", 7, TestGroups.spec(TestGroups.hosterJson(3)));
    static final UUID CORRELATION = KEYED.event().correlationId();
    static final Instant AT = Instant.parse("2025-05-07T10:15:30.123456Z");

    static HostGroupChanged changed() {
        return new HostGroupChanged(CORRELATION, GROUP, 7, AT, CORRELATION, ChangeCause.UPSERT, null, KEYED.event().spec(),
                new Actor("api@127.0.0.1"));
    }

    static HostConfigRendered rendered() {
        HostFiles files = GroupRenderer.render(KEYED.event()).get(HostName.parse("hoster-zima-0102"));
        return files.asEvent(UUID.randomUUID(), KEYED.event(), AT, null);
    }

    /** A mesh of the same group, revision and change. */
    static final HostGroupKeysGenerated MESH = inThisChange(
            TestGroups.keyed("prod", 7, TestGroups.spec(TestGroups.meshJson(3))).event());

    private static HostGroupKeysGenerated inThisChange(HostGroupKeysGenerated keyed) {
        return new HostGroupKeysGenerated(keyed.eventId(), GROUP, 7, AT, CORRELATION, keyed.cause(), keyed.spec(),
                keyed.hosts(), keyed.presharedKeySeed());
    }

    static MeshPeersRendered peerTable() {
        return GroupRenderer.meshPeers(MESH).orElseThrow().asEvent(UUID.randomUUID(), MESH, AT);
    }

    /** A mesh host's record: its interface lists no peers, it names the peer table. */
    static HostConfigRendered meshHostRendered() {
        HostFiles files = GroupRenderer.render(MESH).values().iterator().next();
        return files.asEvent(UUID.randomUUID(), MESH, AT, peerTable().peersHash());
    }

    static Stream<WgmeshEvent> events() {
        HostName second = HostName.parse("hoster-zima-0102");
        return Stream.of(
                changed(),
                new HostGroupChanged(UUID.randomUUID(), GROUP, 8, AT, CORRELATION, ChangeCause.ROTATE_HOST, second,
                        KEYED.event().spec(), Actor.AUTOMATION),
                new HostGroupChanged(UUID.randomUUID(), GROUP, 9, AT, CORRELATION, ChangeCause.DELETE, null, null, null),
                KEYED.event(),
                new HostGroupKeysGenerated(UUID.randomUUID(), GROUP, 9, AT, CORRELATION, ChangeCause.DELETE, null, null, null),
                rendered(),
                new DeploymentReported(UUID.randomUUID(), GROUP, 7, AT, CORRELATION, second,
                        DeploymentReported.Outcome.APPLIED, null, "sha256:00", "deployer-1", 42),
                new DeploymentReported(UUID.randomUUID(), GROUP, 7, AT, CORRELATION, second,
                        DeploymentReported.Outcome.FAILED, "wg setconf failed: Line unrecognized", "sha256:00", "deployer-2", 7),
                new HostGroupChangeRejected(UUID.randomUUID(), GROUP, 0, AT, CORRELATION, 400,
                        List.of(new Problem("hosts[1].endpoint", "\"192.0.2.2\"", "\"192.0.2.2\" is not an endpoint"),
                                new Problem("hosts", null, "must be a list of at least one host"))),
                peerTable(),
                meshHostRendered(),
                health(),
                new HostReapplyRequested(UUID.randomUUID(), GROUP, 7, AT, CORRELATION, HostName.parse("hoster-zima-0102"),
                        Actor.AUTOMATION),
                staged(),
                stagedKeys(),
                rollout());
    }

    static HostGroupSpec inWaves(HostGroupSpec spec) {
        Rollout waves = new Rollout(Rollout.Strategy.WAVES, 1, new Rollout.WaveSize(25, true), 60, Rollout.OnFailure.ROLLBACK);
        return new HostGroupSpec(spec.topology(), spec.tunnelNetwork(), spec.mtu(), spec.persistentKeepalive(),
                spec.presharedKeys(), spec.allowBroadRoutes(), spec.driftPolicy(), spec.keyRotation(), waves, spec.hosts());
    }

    /** A change of a running group that rolls out in waves. */
    static HostGroupChanged staged() {
        return new HostGroupChanged(UUID.randomUUID(), GROUP, 8, AT, CORRELATION, ChangeCause.ROTATE_HOST,
                HostName.parse("hoster-zima-0102"), inWaves(KEYED.event().spec()), Actor.AUTOMATION, List.of(), true);
    }

    /** Its keys, with the keys of the revision before. */
    static HostGroupKeysGenerated stagedKeys() {
        HostGroupKeysGenerated before = KEYED.event();
        return new HostGroupKeysGenerated(UUID.randomUUID(), GROUP, 8, AT, CORRELATION, ChangeCause.ROTATE_HOST,
                inWaves(before.spec()), before.hosts(), before.presharedKeySeed(), AT, before);
    }

    static RolloutProgressed rollout() {
        HostGroupSpec spec = KEYED.event().spec();
        return new RolloutProgressed(UUID.randomUUID(), GROUP, 8, AT, CORRELATION, RolloutProgressed.State.PAUSED,
                List.of(List.of(spec.hosts().get(1).name()), List.of(spec.hosts().get(0).name())), 1, AT, 60, 7, spec,
                "gate of wave 1 failed after 60 s", List.of("hoster-zima-0102 <- hoster-zima-0101: no traffic since it applied"));
    }

    /** A host whose tunnel to one peer is up and carried traffic since the apply, and whose file lost a peer. */
    static HostHealthReported health() {
        return new HostHealthReported(UUID.randomUUID(), GROUP, 7, AT, CORRELATION, HostName.parse("hoster-zima-0101"),
                "deployer-1", AT, HostHealthReported.Drift.DRIFTED, List.of("wg0: peer hoster-zima-0103 is missing"),
                List.of(new HostHealthReported.Link(HostName.parse("hoster-zima-0102"), HostHealthReported.LinkState.UP,
                        AT.minusSeconds(12), 1024, 2048, Endpoint.parse("192.0.2.2:51820"), AT.minusSeconds(30))));
    }

    @ParameterizedTest
    @MethodSource("events")
    void everyEventRoundTripsThroughJson(WgmeshEvent event) {
        byte[] json = EventJson.write(event);

        assertThat(EventJson.read(json, event.getClass())).isEqualTo(event);
    }

    @ParameterizedTest
    @MethodSource("events")
    void theJsonIsCamelCaseWithTheCommonFieldsAndNoNullsOrClassNames(WgmeshEvent event) {
        String text = new String(EventJson.write(event), StandardCharsets.UTF_8);
        JsonNode tree = EventJson.tree(text.getBytes(StandardCharsets.UTF_8));

        assertThat(tree.get("eventId").stringValue()).isEqualTo(event.eventId().toString());
        assertThat(tree.get("group").stringValue()).isEqualTo("prod");
        assertThat(tree.get("revision").isIntegralNumber()).isTrue();
        assertThat(tree.get("revision").longValue()).isEqualTo(event.revision());
        assertThat(tree.get("occurredAt").isString()).isTrue();
        assertThat(Instant.parse(tree.get("occurredAt").stringValue())).isEqualTo(event.occurredAt());
        assertThat(tree.get("correlationId").stringValue()).isEqualTo(CORRELATION.toString());
        List<String> names = new ArrayList<>();
        List<String> nulls = new ArrayList<>();
        walk(tree, "$", names, nulls);
        assertThat(nulls).isEmpty();
        assertThat(names).allSatisfy(name -> assertThat(name).matches("[a-z][a-zA-Z0-9]*"));
        assertThat(text).doesNotContain("dev.wgmesh.common").doesNotContain("java.").doesNotContain("@class")
                .doesNotContain("@type").doesNotContain("eventType");
    }

    @Test
    void valuesUseTheirReadableForms() {
        JsonNode keyed = EventJson.tree(EventJson.write(KEYED.event()));
        JsonNode host = keyed.get("spec").get("hosts").get(0);

        assertThat(keyed.get("cause").stringValue()).isEqualTo("upsert");
        assertThat(keyed.get("spec").get("topology").stringValue()).isEqualTo("hoster");
        assertThat(host.get("name").stringValue()).isEqualTo("hoster-zima-0101");
        assertThat(host.get("endpoint").stringValue()).isEqualTo("192.168.8.161:51821");
        assertThat(host.get("tunnelSegment").stringValue()).isEqualTo("198.19.1.10/24");
        assertThat(host.get("internalNetworks").get(0).stringValue()).isEqualTo("10.10.101.0/24");
        assertThat(host.get("os").stringValue()).isEqualTo("linux");
        assertThat(keyed.get("hosts").get(0).get("publicKey").stringValue())
                .isEqualTo(KEYED.publicKey("hoster-zima-0101").base64());
        assertThat(keyed.get("hosts").get(0).get("privateKey").stringValue()).startsWith("v2.");
        assertThat(keyed.get("presharedKeySeed").stringValue()).startsWith("v2.");
        JsonNode rotate = EventJson.tree(EventJson.write(events().toList().get(1)));
        assertThat(rotate.get("cause").stringValue()).isEqualTo("rotate-host");
        assertThat(rotate.get("rotatedHost").stringValue()).isEqualTo("hoster-zima-0102");
        JsonNode rendered = EventJson.tree(EventJson.write(rendered()));
        assertThat(rendered.get("interfaces").get(0).get("name").stringValue()).isEqualTo("wg-zima-0101");
        assertThat(rendered.get("interfaces").get(0).get("listenPort").intValue()).isEqualTo(51821);
        assertThat(rendered.get("os").stringValue()).isEqualTo("linux");
    }

    @Test
    void noPlaintextSecretIsInAnyEventsJsonOrToString() {
        List<String> secrets = new ArrayList<>();
        KEYED.keys().values().forEach(pair -> secrets.add(pair.privateKey().base64()));
        secrets.add(KEYED.seed().base64());
        List<SecretKey> keys = new ArrayList<>();
        KEYED.keys().values().forEach(pair -> keys.add(pair.privateKey()));

        for (WgmeshEvent event : events().toList()) {
            String json = new String(EventJson.write(event), StandardCharsets.UTF_8);
            for (String secret : secrets) {
                assertThat(json).doesNotContain(secret).doesNotContain(secret.substring(0, 16));
                assertThat(event.toString()).doesNotContain(secret).doesNotContain(secret.substring(0, 16));
            }
        }
        assertThat(KEYED.toString()).doesNotContain(secrets.get(0));
        assertThat(keys.toString()).doesNotContain(secrets.get(0));
        Map<HostName, HostFiles> files = GroupRenderer.render(KEYED.event());
        assertThat(files.toString()).doesNotContain(secrets.get(0)).doesNotContain(secrets.get(secrets.size() - 1));
    }

    @Test
    void aSecretKeyHasNoJsonForm() {
        SecretKey secret = KEYED.seed();

        assertThat(new String(EventJson.write(Map.of("key", secret)), StandardCharsets.UTF_8)).isEqualTo("{\"key\":{}}");
        assertThatThrownBy(() -> EventJson.read(("\"" + secret.base64() + "\"").getBytes(), SecretKey.class))
                .isInstanceOf(InvalidEventException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{", "[1, 2]", "42", "\"text\"", "null", "{\"eventId\": 5}", "{}"})
    void garbageAndWrongShapesAreInvalidEvents(String json) {
        assertThatThrownBy(() -> EventJson.read(json.getBytes(StandardCharsets.UTF_8), HostGroupChanged.class))
                .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("not a valid HostGroupChanged: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotEndWith(": null").doesNotEndWith(": "));
    }

    @Test
    void aMissingValueIsAnInvalidEvent() {
        assertThatThrownBy(() -> EventJson.read(null, HostGroupChanged.class)).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("no value");
        assertThatThrownBy(() -> EventJson.tree("{".getBytes())).isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("not JSON");
    }

    @Test
    void impossibleValuesAreInvalidEventsWithTheReason() {
        assertInvalid(KEYED.event(), HostGroupKeysGenerated.class,
                e -> ((ObjectNode) e.get("hosts").get(0)).put("publicKey", "not-a-key"), "\"not-a-key\"");
        assertInvalid(KEYED.event(), HostGroupKeysGenerated.class,
                e -> ((ObjectNode) e.get("spec").get("hosts").get(0)).putArray("internalNetworks").add("10.10.101.1/24"),
                "host bits");
        assertInvalid(KEYED.event(), HostGroupKeysGenerated.class,
                e -> ((ObjectNode) e.get("hosts").get(0)).put("privateKey", "plain"), "sealed secret");
        assertInvalid(KEYED.event(), HostGroupKeysGenerated.class, e -> e.remove("presharedKeySeed"), "seed");
        assertInvalid(KEYED.event(), HostGroupKeysGenerated.class, e -> e.putArray("hosts"), "exactly the group's hosts");
        assertInvalid(changed(), HostGroupChanged.class, e -> e.put("revision", -1), "revision -1");
        assertInvalid(changed(), HostGroupChanged.class, e -> e.put("group", "../etc"), "\"../etc\"");
        assertInvalid(changed(), HostGroupChanged.class, e -> e.put("cause", "explode"), "\"explode\"");
        assertInvalid(changed(), HostGroupChanged.class, e -> e.remove("eventId"), "eventId is required");
        assertInvalid(changed(), HostGroupChanged.class, e -> e.put("occurredAt", "yesterday"), "yesterday");
        assertInvalid(changed(), HostGroupChanged.class, e -> e.put("rotatedHost", "nobody"), "rotatedHost");
        assertInvalid(changed(), HostGroupChanged.class,
                e -> ((ObjectNode) e.get("spec").get("hosts").get(1)).put("endpoint", "192.0.2.1:0"), "\"192.0.2.1:0\"");
        assertInvalid(rendered(), HostConfigRendered.class,
                e -> ((ObjectNode) e.get("interfaces").get(0)).put("name", "much-too-long-interface"),
                "\"much-too-long-interface\"");
        assertInvalid(rendered(), HostConfigRendered.class, e -> e.remove("interfaces"), "interfaces");
        assertInvalid(events().toList().get(7), DeploymentReported.class, e -> e.remove("reason"), "reason");
        assertInvalid(events().toList().get(8), HostGroupChangeRejected.class, e -> e.putArray("problems"), "problem");
        assertInvalid(peerTable(), MeshPeersRendered.class,
                e -> ((ArrayNode) e.get("peers")).add(e.get("peers").get(0).deepCopy()), "listed twice");
        assertInvalid(peerTable(), MeshPeersRendered.class, e -> e.remove("peersHash"), "peersHash");
        assertInvalid(health(), HostHealthReported.class, e -> e.putArray("differences"), "needs at least one difference");
        assertInvalid(health(), HostHealthReported.class,
                e -> ((ObjectNode) e.get("links").get(0)).put("state", "GREAT"), "GREAT");
        assertInvalid(health(), HostHealthReported.class,
                e -> ((ObjectNode) e.get("links").get(0)).put("rxBytes", -1), "must not be negative");
        JsonNode tablePeers = EventJson.tree(EventJson.write(peerTable())).get("peers");
        assertInvalid(meshHostRendered(), HostConfigRendered.class,
                e -> ((ObjectNode) e.get("interfaces").get(0)).set("peers", tablePeers), "lists no peers itself");
    }

    /** The attack of issue 13: one more peer whose name ends its comment line and starts a hook wg-quick runs. */
    @Test
    void aPeerWhoseNameCarriesAHookIsRefusedBeforeItReachesAFile() {
        String hook = "x\n[Interface]\nPreUp = touch /tmp/wgmesh-pwned";
        ObjectNode tree = (ObjectNode) EventJson.tree(EventJson.write(rendered()));
        ArrayNode peers = (ArrayNode) tree.get("interfaces").get(0).get("peers");
        assertThat(peers.get(0).get("host").isString()).as("a peer's name is a plain string on the topic").isTrue();
        peers.add(((ObjectNode) peers.get(0).deepCopy()).put("host", hook));

        assertThatThrownBy(() -> EventJson.read(EventJson.write(tree), HostConfigRendered.class))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("is not a host name")
                .hasMessageContaining("\"x\\n[Interface]\\nPreUp = touch /tmp/wgmesh-pwned\"")
                .message().doesNotContain("\n");
    }

    /** The attack of issue 13: the topic's table with one more peer, the attacker's, and the hash hosts name. */
    @Test
    void aPeerTableWithAnExtraPeerButTheOldHashIsRefused() {
        MeshPeersRendered table = peerTable();
        ObjectNode tree = (ObjectNode) EventJson.tree(EventJson.write(table));
        ArrayNode peers = (ArrayNode) tree.get("peers");
        String attacker = X25519Keys.generate(new SecureRandom()).publicKey().base64();
        peers.add(((ObjectNode) peers.get(0).deepCopy()).put("host", "intruder").put("publicKey", attacker));

        assertThatThrownBy(() -> EventJson.read(EventJson.write(tree), MeshPeersRendered.class))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("peersHash \"" + table.peersHash() + "\" is not the hash of the table's 4 peers");
        assertThat(GroupRenderer.peersHash(table.peers())).isEqualTo(table.peersHash())
                .isEqualTo(GroupRenderer.meshPeers(MESH).orElseThrow().hash());
    }

    private static <T> void assertInvalid(WgmeshEvent event, Class<T> type, java.util.function.Consumer<ObjectNode> change,
                                          String reason) {
        ObjectNode tree = (ObjectNode) EventJson.tree(EventJson.write(event));
        change.accept(tree);
        byte[] json = EventJson.write(tree);
        assertThatThrownBy(() -> EventJson.read(json, type)).as("reading %s", new String(json))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining(reason);
    }

    @Test
    void unknownFieldsAreIgnoredSoNewerProducersDoNotBreakOlderConsumers() {
        ObjectNode tree = (ObjectNode) EventJson.tree(EventJson.write(changed()));
        tree.put("addedLater", "x");

        assertThat(EventJson.read(EventJson.write(tree), HostGroupChanged.class)).isEqualTo(changed());
    }

    @Test
    void aSpecWrittenBeforeAllowBroadRoutesReadsAsNotAllowing() {
        ObjectNode tree = (ObjectNode) EventJson.tree(EventJson.write(changed()));
        ((ObjectNode) tree.get("spec")).remove("allowBroadRoutes");

        assertThat(EventJson.read(EventJson.write(tree), HostGroupChanged.class).spec().allowBroadRoutes()).isFalse();
    }

    @Test
    void eventsCheckTheirCommonFields() {
        assertThatThrownBy(() -> new HostGroupChanged(null, GROUP, 1, AT, CORRELATION, ChangeCause.DELETE, null, null, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("eventId");
        assertThatThrownBy(() -> new DeploymentReported(CORRELATION, GROUP, 1, AT, CORRELATION,
                HostName.parse("a"), DeploymentReported.Outcome.FAILED, " ", null, "r", 0))
                .hasMessageContaining("reason");
        assertThatThrownBy(() -> new HostGroupChanged(CORRELATION, GROUP, 1, AT, CORRELATION, ChangeCause.UPSERT, null, null, null))
                .hasMessageContaining("spec");
        assertThat(HostConfigRendered.key(GROUP, HostName.parse("a"))).isEqualTo("prod/a");
        assertThat(HostKeys.privateKeyContext(GROUP, HostName.parse("a"))).isEqualTo("prod/a/private-key");
        assertThat(HostKeys.presharedKeySeedContext(GROUP)).isEqualTo("prod/preshared-key-seed");
        assertThat(rendered().os()).isEqualTo(HostOs.LINUX);
    }

    private static void walk(JsonNode node, String path, List<String> names, List<String> nulls) {
        if (node.isNull()) {
            nulls.add(path);
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                names.add(field.getKey());
                walk(field.getValue(), path + "." + field.getKey(), names, nulls);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", names, nulls);
            }
        }
    }
}
