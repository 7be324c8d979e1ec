package dev.wgmesh.renderer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.RolloutProgressed;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.HostOs;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.render.HostFiles;
import dev.wgmesh.common.render.MeshPeers;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.WgConfig;
import dev.wgmesh.renderer.FixedKeyGroups;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RenderPlanTest {

    private static final HostName NODE_03 = new HostName("hoster-node-03");
    private final HostGroupSpec spec = FixedKeyGroups.spec("hoster-6");
    private final HostGroupKeysGenerated first = FixedKeyGroups.keyed("hoster-6", spec, 1);

    @Test
    void aNewGroupPublishesEveryHostInSlotOrder() {
        RenderPlan plan = plan(first, Map.of(), -1);
        assertThat(plan.skipped()).isFalse();
        assertThat(plan.publish()).extracting(HostConfigRendered::host).containsExactlyElementsOf(
                spec.hosts().stream().map(Host::name).toList());
        assertThat(plan.publish()).allSatisfy(r -> {
            assertThat(r.revision()).isEqualTo(1);
            assertThat(r.correlationId()).isEqualTo(first.correlationId());
            assertThat(r.presharedKeySeed()).isEqualTo(first.presharedKeySeed());
        });
        assertThat(plan.remove()).isEmpty();
    }

    @Test
    void unchangedHostsGetNoRecord() {
        RenderPlan plan = plan(FixedKeyGroups.keyed("hoster-6", spec, 2), hashes(first), 1);
        assertThat(plan.skipped()).isFalse();
        assertThat(plan.publish()).isEmpty();
        assertThat(plan.remove()).isEmpty();
    }

    @Test
    void aChangedHostGetsARecordWithTheNewRevision() {
        HostGroupSpec changed = replace(spec, NODE_03, h -> new Host(h.name(), h.slot(), h.endpoint(),
                h.internalNetworks(), h.tunnelSegment(), h.interfaceSuffix(), HostOs.FREEBSD));
        HostGroupKeysGenerated next = FixedKeyGroups.keyed("hoster-6", changed, 2);
        RenderPlan plan = plan(next, hashes(first), 1);
        assertThat(plan.publish()).singleElement().satisfies(r -> {
            assertThat(r.host()).isEqualTo(NODE_03);
            assertThat(r.os()).isEqualTo(HostOs.FREEBSD);
            assertThat(r.revision()).isEqualTo(2);
            assertThat(r.correlationId()).isEqualTo(next.correlationId());
        });
    }

    @Test
    void newInternalNetworksChangeTheFilesOfEveryHostThatRoutesThem() {
        HostGroupSpec changed = replace(spec, NODE_03, h -> new Host(h.name(), h.slot(), h.endpoint(),
                List.of(Cidr.parse("10.10.103.0/24")), h.tunnelSegment(), h.interfaceSuffix(), h.os()));
        RenderPlan plan = plan(FixedKeyGroups.keyed("hoster-6", changed, 2), hashes(first), 1);
        // every other host has a peer for hoster-node-03 whose AllowedIPs grew; its own files did not change
        assertThat(plan.publish()).extracting(HostConfigRendered::host).hasSize(5).doesNotContain(NODE_03);
    }

    @Test
    void aHostThatLeftGetsATombstoneAndANewHostARecord() {
        HostName added = new HostName("hoster-node-07");
        Host last = spec.hosts().get(5);
        HostGroupSpec changed = spec.withHosts(spec.hosts().stream().filter(h -> !h.name().equals(NODE_03)).toList());
        changed = changed.withHosts(concat(changed.hosts(), new Host(added, 7, last.endpoint().withPort(52820),
                List.of(), InterfaceAddress.parse("10.207.0.1/24"), null, null)));
        RenderPlan plan = plan(FixedKeyGroups.keyed("hoster-6", changed, 2), hashes(first), 1);
        assertThat(plan.remove()).containsExactly(NODE_03);
        assertThat(plan.publish()).extracting(HostConfigRendered::host).contains(added).doesNotContain(NODE_03);
    }

    @Test
    void aDeletedGroupTombstonesEveryHost() {
        RenderPlan plan = plan(FixedKeyGroups.deleted("hoster-6", 2), hashes(first), 1);
        assertThat(plan.publish()).isEmpty();
        assertThat(plan.remove()).containsExactlyInAnyOrderElementsOf(spec.hosts().stream().map(Host::name).toList());
    }

    @Test
    void aReplayedRevisionIsSkipped() {
        assertThat(plan(first, hashes(first), 1).skipped()).isTrue();
        assertThat(plan(first, Map.of(), 3).skipped()).isTrue();
        assertThat(plan(FixedKeyGroups.deleted("hoster-6", 1), hashes(first), 1).remove()).isEmpty();
    }

    @Test
    void aMeshGroupPublishesItsPeerTableOnceAndHostRecordsThatNameIt() {
        HostGroupKeysGenerated mesh = FixedKeyGroups.keyed("mesh-4", FixedKeyGroups.spec("mesh-4"), 1);
        RenderPlan plan = plan(mesh, Map.of(), -1);
        MeshPeers table = GroupRenderer.meshPeers(mesh).orElseThrow();
        assertThat(plan.peerTable()).satisfies(t -> {
            assertThat(t.peers()).isEqualTo(table.peers());
            assertThat(t.peersHash()).isEqualTo(table.hash());
            assertThat(t.revision()).isEqualTo(1);
            assertThat(t.correlationId()).isEqualTo(mesh.correlationId());
        });
        Map<HostName, HostFiles> files = GroupRenderer.render(mesh);
        assertThat(plan.publish()).hasSize(4).allSatisfy(r -> {
            assertThat(r.meshPeersHash()).isEqualTo(table.hash());
            assertThat(r.interfaces()).singleElement().satisfies(c -> assertThat(c.peers()).isEmpty());
            // the record with its peers from the table is the host's whole interface, and hashes as such
            WgConfig whole = files.get(r.host()).interfaces().get(0);
            assertThat(r.interfaces().get(0).withPeers(plan.peerTable().peersOf(r.host()))).isEqualTo(whole);
            assertThat(r.contentHash()).isEqualTo(files.get(r.host()).contentHash());
        });
        assertThat(plan.removePeerTable()).isFalse();
    }

    @Test
    void aChangedPeerEntryRepublishesTheTableAndEveryHostRecord() {
        HostGroupSpec meshSpec = FixedKeyGroups.spec("mesh-4");
        HostGroupKeysGenerated mesh = FixedKeyGroups.keyed("mesh-4", meshSpec, 1);
        String peersHash = GroupRenderer.meshPeers(mesh).orElseThrow().hash();
        HostName moved = meshSpec.hosts().get(1).name();
        HostGroupSpec changed = replace(meshSpec, moved, h -> new Host(h.name(), h.slot(),
                h.endpoint(), List.of(Cidr.parse("10.77.0.0/16")), h.tunnelSegment(),
                h.interfaceSuffix(), h.os()));
        RenderPlan plan = plan(FixedKeyGroups.keyed("mesh-4", changed, 2), hashes(mesh), peersHash, 1);
        assertThat(plan.peerTable()).isNotNull();
        assertThat(plan.peerTable().peersHash()).isNotEqualTo(peersHash);
        // the moved host's own file did not change, but its record must name the new table
        assertThat(plan.publish()).hasSize(4).allSatisfy(r ->
                assertThat(r.meshPeersHash()).isEqualTo(plan.peerTable().peersHash()));
    }

    @Test
    void anUnchangedPeerTableIsNotSentAgain() {
        HostGroupSpec meshSpec = FixedKeyGroups.spec("mesh-4");
        HostGroupKeysGenerated mesh = FixedKeyGroups.keyed("mesh-4", meshSpec, 1);
        String peersHash = GroupRenderer.meshPeers(mesh).orElseThrow().hash();
        HostGroupSpec mtu = new HostGroupSpec(meshSpec.topology(), meshSpec.tunnelNetwork(), 1420,
                meshSpec.persistentKeepalive(), meshSpec.presharedKeys(), false, meshSpec.hosts());
        RenderPlan plan = plan(FixedKeyGroups.keyed("mesh-4", mtu, 2), hashes(mesh), peersHash, 1);
        assertThat(plan.peerTable()).isNull();
        assertThat(plan.publish()).hasSize(4).allSatisfy(r -> assertThat(r.meshPeersHash()).isEqualTo(peersHash));
    }

    @Test
    void aDeletedMeshOrOneThatBecameHosterLosesItsPeerTable() {
        HostGroupKeysGenerated mesh = FixedKeyGroups.keyed("mesh-4", FixedKeyGroups.spec("mesh-4"), 1);
        String peersHash = GroupRenderer.meshPeers(mesh).orElseThrow().hash();
        assertThat(plan(FixedKeyGroups.deleted("mesh-4", 2), hashes(mesh), peersHash, 1).removePeerTable()).isTrue();
        RenderPlan hoster = plan(FixedKeyGroups.keyed("mesh-4", spec, 2), hashes(mesh), peersHash, 1);
        assertThat(hoster.removePeerTable()).isTrue();
        assertThat(hoster.peerTable()).isNull();
        assertThat(hoster.publish()).isNotEmpty().allSatisfy(r -> assertThat(r.meshPeersHash()).isNull());
        assertThat(plan(first, Map.of(), -1).removePeerTable()).as("a hoster group never had one").isFalse();
    }

    @Test
    void aStagedChangePublishesOnlyReleasedHostsEachListingItsPeersUntilTheRolloutIsDone() {
        HostGroupSpec meshSpec = FixedKeyGroups.spec("mesh-4");
        HostGroupKeysGenerated before = FixedKeyGroups.keyed("mesh-4", meshSpec, 1);
        String oldTable = GroupRenderer.meshPeers(before).orElseThrow().hash();
        HostName moved = meshSpec.hosts().get(2).name();
        HostGroupSpec changed = replace(meshSpec, moved, h -> new Host(h.name(), h.slot(),
                Endpoint.parse("192.0.2.99:51999"), h.internalNetworks(), h.tunnelSegment(),
                h.interfaceSuffix(), h.os()));
        HostGroupKeysGenerated plain = FixedKeyGroups.keyed("mesh-4", changed, 2);
        HostGroupKeysGenerated keyed = new HostGroupKeysGenerated(plain.eventId(), plain.group(), 2, plain.occurredAt(),
                plain.correlationId(), plain.cause(), changed, plain.hosts(), plain.presharedKeySeed(),
                plain.presharedKeySeedCreatedAt(), before);
        List<List<HostName>> waves = List.of(List.of(moved), meshSpec.hosts().stream().map(Host::name)
                .filter(h -> !h.equals(moved)).toList());
        RolloutProgressed running = new RolloutProgressed(UUID.randomUUID(), keyed.group(), 2, Instant.EPOCH,
                keyed.correlationId(), RolloutProgressed.State.RUNNING, waves, 1, Instant.EPOCH, 60, 1, meshSpec, null, null);

        RenderPlan waiting = RenderPlan.staged(keyed, null, hashes(before), oldTable, Instant.EPOCH, UUID::randomUUID);
        RenderPlan canary = RenderPlan.staged(keyed, running, hashes(before), oldTable, Instant.EPOCH, UUID::randomUUID);
        RenderPlan done = RenderPlan.staged(keyed, running.advanced(UUID.randomUUID(), Instant.EPOCH, List.of())
                .advanced(UUID.randomUUID(), Instant.EPOCH, List.of()), hashes(before), oldTable, Instant.EPOCH, UUID::randomUUID);
        RenderPlan undone = RenderPlan.staged(keyed, running.rolledBack(UUID.randomUUID(), Instant.EPOCH, "gate", List.of()),
                hashes(before), oldTable, Instant.EPOCH, UUID::randomUUID);

        assertThat(waiting.publish()).as("no rollout known yet: nothing goes out").isEmpty();
        assertThat(canary.publish()).extracting(HostConfigRendered::host).containsExactly(moved);
        assertThat(canary.publish().get(0).meshPeersHash()).isNull();
        assertThat(canary.publish().get(0).interfaces().get(0).peers()).hasSize(3);
        assertThat(canary.peerTable()).as("the others still name the old table").isNull();
        assertThat(done.peerTable()).isNotNull();
        assertThat(done.publish()).hasSize(4).allSatisfy(r -> assertThat(r.meshPeersHash()).isEqualTo(done.peerTable().peersHash()));
        assertThat(undone.publish()).isEmpty();
        assertThat(undone.peerTable()).isNull();
    }

    @Test
    void aRollbacksRevisionGoesToEveryHostEvenUnchangedOnes() {
        HostGroupKeysGenerated plain = FixedKeyGroups.keyed("hoster-6", spec, 3);
        HostGroupKeysGenerated rollback = new HostGroupKeysGenerated(plain.eventId(), plain.group(), 3, plain.occurredAt(),
                plain.correlationId(), ChangeCause.ROLLBACK, spec, plain.hosts(), plain.presharedKeySeed(),
                plain.presharedKeySeedCreatedAt());

        assertThat(plan(plain, hashes(first), 2).publish()).as("the same files as an upsert: nothing").isEmpty();
        assertThat(plan(rollback, hashes(first), 2).publish()).extracting(HostConfigRendered::host)
                .containsExactlyElementsOf(spec.hosts().stream().map(Host::name).toList());
    }

    @Test
    void memoryFollowsAppliedPlansAndForgetsADeletedGroup() {
        RenderedHosts memory = new RenderedHosts();
        memory.apply(plan(first, memory.hashes(first.group()), memory.revision(first.group())), Map.of());
        assertThat(memory.hashes(first.group())).isEqualTo(hashes(first));
        assertThat(memory.revision(first.group())).isEqualTo(1);
        memory.apply(plan(FixedKeyGroups.keyed("hoster-6", spec, 2), memory.hashes(first.group()), 1), Map.of());
        assertThat(memory.revision(first.group())).as("a revision that changed nothing still counts").isEqualTo(2);
        memory.apply(plan(FixedKeyGroups.deleted("hoster-6", 3), memory.hashes(first.group()), 2), Map.of());
        assertThat(memory.hashes(first.group())).isEmpty();
        assertThat(memory.revision(first.group())).isEqualTo(-1);
    }

    /** What a poll's transaction builds on: the group as the memory knows it, changed apart from the memory. */
    @Test
    void aCopyOfAGroupKnowsWhatTheMemoryKnowsOfItAndChangesApart() {
        RenderedHosts memory = new RenderedHosts();
        RenderPlan created = plan(first, Map.of(), -1);
        Map<HostName, Integer> partitions = memory.partitions(created, 5);
        memory.apply(created, partitions);
        memory.remember(GroupName.parse("other"), NODE_03, "hash", 4);

        RenderedHosts copy = memory.copyOf(first.group());
        assertThat(copy.hashes(first.group())).isEqualTo(memory.hashes(first.group()));
        assertThat(copy.revision(first.group())).isEqualTo(1);
        assertThat(copy.partitions(created, 5)).isEqualTo(partitions);
        assertThat(copy.hostCount()).as("the group alone").isEqualTo(6);

        copy.apply(plan(FixedKeyGroups.deleted("hoster-6", 2), copy.hashes(first.group()), 1), partitions);
        assertThat(copy.hashes(first.group())).isEmpty();
        assertThat(memory.hashes(first.group())).hasSize(6);
        assertThat(memory.revision(first.group())).isEqualTo(1);
    }

    @Test
    void aGroupsHostsSpreadEvenlyOverThePartitionsAndAHostKeepsItsPartitionAfterLeavingAndComingBack() {
        RenderedHosts memory = new RenderedHosts();
        RenderPlan created = plan(first, Map.of(), -1);
        Map<HostName, Integer> partitions = memory.partitions(created, 5);
        assertThat(partitions).hasSize(6).doesNotContainValue(null);
        assertThat(partitions.values().stream().collect(Collectors.groupingBy(p -> p, Collectors.counting())).values())
                .as("six hosts in slots 1 to 6 over five partitions").containsExactlyInAnyOrder(2L, 1L, 1L, 1L, 1L);
        memory.apply(created, partitions);

        HostGroupSpec without = spec.withHosts(spec.hosts().stream().filter(h -> !h.name().equals(NODE_03)).toList());
        RenderPlan left = plan(FixedKeyGroups.keyed("hoster-6", without, 2), memory.hashes(first.group()), 1);
        Map<HostName, Integer> leftPartitions = memory.partitions(left, 5);
        assertThat(left.remove()).containsExactly(NODE_03);
        assertThat(leftPartitions).as("the tombstone and the others' records go where their records went")
                .isEqualTo(partitions);
        memory.apply(left, leftPartitions);

        // back in slot 7, whose own partition (7 mod 5 = slot 2's) is not the one its old records are in
        Host back = spec.hosts().stream().filter(h -> h.name().equals(NODE_03)).findFirst().orElseThrow().withSlot(7);
        List<Host> hosts = new ArrayList<>(without.hosts());
        hosts.add(back);
        RenderPlan rejoined = plan(FixedKeyGroups.keyed("hoster-6", without.withHosts(hosts), 3),
                memory.hashes(first.group()), 2);
        assertThat(memory.partitions(rejoined, 5)).containsEntry(NODE_03, partitions.get(NODE_03));
        assertThat(partitions.get(NODE_03)).isNotEqualTo(partitions.get(spec.hosts().get(1).name()));
    }

    @Test
    void aDeletedGroupLeavesNothingInMemoryNotEvenItsHostsPartitions() {
        RenderedHosts memory = new RenderedHosts();
        RenderPlan created = plan(first, Map.of(), -1);
        Map<HostName, Integer> slotPartitions = memory.partitions(created, 5);
        memory.apply(created, slotPartitions);
        // node 3's records were read back from another partition than its slot's
        int elsewhere = (slotPartitions.get(NODE_03) + 1) % 5;
        memory.rememberPartition(first.group(), NODE_03, elsewhere);
        RenderPlan deleted = plan(FixedKeyGroups.deleted("hoster-6", 2), memory.hashes(first.group()), 1);
        Map<HostName, Integer> tombstones = memory.partitions(deleted, 5);
        assertThat(tombstones).as("tombstones go where the records are").containsEntry(NODE_03, elsewhere);

        memory.apply(deleted, tombstones);

        assertThat(memory.hashes(first.group())).isEmpty();
        assertThat(memory.revision(first.group())).isEqualTo(-1);
        assertThat(memory.hostCount()).isZero();
        RenderPlan again = plan(FixedKeyGroups.keyed("hoster-6", spec, 3), Map.of(), -1);
        assertThat(memory.partitions(again, 5)).as("made again, its hosts take their slots' partitions")
                .isEqualTo(slotPartitions);
    }

    @Test
    void memoryKeepsTheLastPeerTableUntilItIsRemoved() {
        HostGroupKeysGenerated mesh = FixedKeyGroups.keyed("mesh-4", FixedKeyGroups.spec("mesh-4"), 1);
        RenderedHosts memory = new RenderedHosts();
        memory.apply(plan(mesh, Map.of(), -1), Map.of());
        assertThat(memory.peersHash(mesh.group())).isEqualTo(GroupRenderer.meshPeers(mesh).orElseThrow().hash());
        memory.apply(plan(FixedKeyGroups.deleted("mesh-4", 2), memory.hashes(mesh.group()),
                memory.peersHash(mesh.group()), 1), Map.of());
        assertThat(memory.peersHash(mesh.group())).isNull();
    }

    private static RenderPlan plan(HostGroupKeysGenerated keyed, Map<HostName, String> previous, long lastRevision) {
        return plan(keyed, previous, null, lastRevision);
    }

    private static RenderPlan plan(HostGroupKeysGenerated keyed, Map<HostName, String> previous, String peersHash,
                                   long lastRevision) {
        return RenderPlan.of(keyed, previous, peersHash, lastRevision, Instant.EPOCH, UUID::randomUUID);
    }

    private static Map<HostName, String> hashes(HostGroupKeysGenerated keyed) {
        Map<HostName, String> hashes = new HashMap<>();
        GroupRenderer.render(keyed).forEach((host, files) -> hashes.put(host, files.contentHash()));
        return hashes;
    }

    private static HostGroupSpec replace(HostGroupSpec spec, HostName name, UnaryOperator<Host> change) {
        return spec.withHosts(spec.hosts().stream().map(h -> h.name().equals(name) ? change.apply(h) : h).toList());
    }

    private static List<Host> concat(List<Host> hosts, Host host) {
        List<Host> all = new ArrayList<>(hosts);
        all.add(host);
        return all;
    }
}
