package dev.wgmesh.renderer.domain;

import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostName;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The renderer's memory: the content hash and revision it last published for each host, per group,
 * the last revision it rendered per group, the hash of each mesh group's peer table, and the partition
 * of every host it has published. Rebuilt at start from its own compacted topics, then kept up to date
 * as it publishes.
 */
public final class RenderedHosts {

    private record Rendered(String contentHash, long revision) {
    }

    private final Map<GroupName, Map<HostName, Rendered>> hosts = new ConcurrentHashMap<>();
    private final Map<GroupName, Long> revisions = new ConcurrentHashMap<>();
    private final Map<GroupName, String> peerTables = new ConcurrentHashMap<>();
    /** For every host seen since start: kept after the host leaves, see {@link #partitions}, until its group goes. */
    private final Map<GroupName, Map<HostName, Integer>> partitionsByGroup = new ConcurrentHashMap<>();

    /** A record read back from the topic of rendered configs. */
    public void remember(GroupName group, HostName host, String contentHash, long revision) {
        hosts.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).put(host, new Rendered(contentHash, revision));
        revisions.merge(group, revision, Math::max);
    }

    /**
     * A tombstone read back from the topic of rendered configs. A group without hosts (deleted) is
     * forgotten, the partitions of its hosts too: a deleted group leaves nothing here.
     */
    public void forget(GroupName group, HostName host) {
        Map<HostName, Rendered> groupHosts = hosts.get(group);
        if (groupHosts != null) {
            groupHosts.remove(host);
            if (groupHosts.isEmpty()) {
                hosts.remove(group);
                revisions.remove(group);
                partitionsByGroup.remove(group);
            }
        }
    }

    /** Drops everything known of the groups {@code which} accepts: their hosts, peer tables and partitions. */
    public void forget(Predicate<GroupName> which) {
        hosts.keySet().removeIf(which);
        revisions.keySet().removeIf(which);
        peerTables.keySet().removeIf(which);
        partitionsByGroup.keySet().removeIf(which);
    }

    /**
     * A memory of {@code group} alone, as this one knows it now: what a transaction that is not yet committed
     * builds on while this one learns of it only after the commit.
     */
    public RenderedHosts copyOf(GroupName group) {
        RenderedHosts copy = new RenderedHosts();
        Map<HostName, Rendered> groupHosts = hosts.get(group);
        if (groupHosts != null) {
            copy.hosts.put(group, new ConcurrentHashMap<>(groupHosts));
        }
        Map<HostName, Integer> groupPartitions = partitionsByGroup.get(group);
        if (groupPartitions != null) {
            copy.partitionsByGroup.put(group, new ConcurrentHashMap<>(groupPartitions));
        }
        Long revision = revisions.get(group);
        if (revision != null) {
            copy.revisions.put(group, revision);
        }
        String peersHash = peerTables.get(group);
        if (peersHash != null) {
            copy.peerTables.put(group, peersHash);
        }
        return copy;
    }

    /** The partition a host's record or tombstone was read back from. */
    public void rememberPartition(GroupName group, HostName host, int partition) {
        partitionsByGroup.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).put(host, partition);
    }

    /**
     * The partition of host-config-rendered for each host the plan publishes or removes. A host keeps the
     * partition it had, even after it left: a deployer behind on that partition must not apply or remove
     * it after a newer record on another one. A new host takes its slot's partition, counted on from a
     * partition chosen by the group's name, so a group's hosts spread over the partitions (and so over the
     * deployer replicas) evenly instead of as their keys happen to hash. A deleted group's hosts are
     * forgotten with it: made again, they take their slots' partitions.
     *
     * @return null for a host whose partition is unknown (the producer then hashes its key)
     */
    public Map<HostName, Integer> partitions(RenderPlan plan, int partitionCount) {
        Map<HostName, Integer> slots = plan.keyed().spec() == null ? Map.of() : plan.keyed().spec().hosts().stream()
                .collect(Collectors.toMap(Host::name, Host::slot));
        Map<HostName, Integer> knownPartitions = partitionsByGroup.getOrDefault(plan.group(), Map.of());
        Function<HostName, Integer> partition = host -> {
            Integer known = knownPartitions.get(host);
            Integer slot = slots.get(host);
            return known != null || slot == null ? known
                    : Math.floorMod(plan.group().value().hashCode() + slot, partitionCount);
        };
        Map<HostName, Integer> result = new HashMap<>();
        plan.publish().forEach(rendered -> result.put(rendered.host(), partition.apply(rendered.host())));
        plan.remove().forEach(host -> result.put(host, partition.apply(host)));
        return result;
    }

    /** A peer table read back from its topic. */
    public void rememberPeerTable(GroupName group, String peersHash) {
        peerTables.put(group, peersHash);
    }

    /** A peer table's tombstone read back from its topic. */
    public void forgetPeerTable(GroupName group) {
        peerTables.remove(group);
    }

    /**
     * Records a plan once all its records are on the topics.
     *
     * @param partitions where its records went, as {@link #partitions} chose
     */
    public void apply(RenderPlan plan, Map<HostName, Integer> partitions) {
        if (plan.skipped()) {
            return;
        }
        partitions.forEach((host, partition) -> {
            if (partition != null) {
                rememberPartition(plan.group(), host, partition);
            }
        });
        for (HostConfigRendered rendered : plan.publish()) {
            remember(rendered.group(), rendered.host(), rendered.contentHash(), rendered.revision());
        }
        plan.remove().forEach(host -> forget(plan.group(), host));
        if (plan.peerTable() != null) {
            rememberPeerTable(plan.group(), plan.peerTable().peersHash());
        }
        if (plan.removePeerTable()) {
            forgetPeerTable(plan.group());
        }
        // a group with no hosts left is forgotten entirely, as a restart that reads its tombstones forgets it
        if (hosts.containsKey(plan.group())) {
            revisions.merge(plan.group(), plan.keyed().revision(), Math::max);
        }
    }

    public Map<HostName, String> hashes(GroupName group) {
        Map<HostName, String> result = new HashMap<>();
        hosts.getOrDefault(group, Map.of()).forEach((host, rendered) -> result.put(host, rendered.contentHash()));
        return result;
    }

    /** The hash of the group's last published peer table, or null when it has none. */
    public String peersHash(GroupName group) {
        return peerTables.get(group);
    }

    /** The last revision rendered for the group, or -1 when none is known. */
    public long revision(GroupName group) {
        return revisions.getOrDefault(group, -1L);
    }

    public int hostCount() {
        return hosts.values().stream().mapToInt(Map::size).sum();
    }
}
