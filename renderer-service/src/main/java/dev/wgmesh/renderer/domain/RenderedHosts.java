package dev.wgmesh.renderer.domain;

import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The renderer's memory: the content hash and revision it last published for each host, per group,
 * the last revision it rendered per group, and the hash of each mesh group's peer table. Rebuilt at
 * start from its own compacted topics, then kept up to date as it publishes.
 */
public final class RenderedHosts {

    private record Rendered(String contentHash, long revision) {
    }

    private final Map<GroupName, Map<HostName, Rendered>> hosts = new ConcurrentHashMap<>();
    private final Map<GroupName, Long> revisions = new ConcurrentHashMap<>();
    private final Map<GroupName, String> peerTables = new ConcurrentHashMap<>();

    /** A record read back from the topic of rendered configs. */
    public void remember(GroupName group, HostName host, String contentHash, long revision) {
        hosts.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).put(host, new Rendered(contentHash, revision));
        revisions.merge(group, revision, Math::max);
    }

    /** A tombstone read back from the topic of rendered configs; a group without hosts is forgotten. */
    public void forget(GroupName group, HostName host) {
        Map<HostName, Rendered> groupHosts = hosts.get(group);
        if (groupHosts != null) {
            groupHosts.remove(host);
            if (groupHosts.isEmpty()) {
                hosts.remove(group);
                revisions.remove(group);
            }
        }
    }

    /** A peer table read back from its topic. */
    public void rememberPeerTable(GroupName group, String peersHash) {
        peerTables.put(group, peersHash);
    }

    /** A peer table's tombstone read back from its topic. */
    public void forgetPeerTable(GroupName group) {
        peerTables.remove(group);
    }

    /** Records a plan once all its records are on the topics. */
    public void apply(RenderPlan plan) {
        if (plan.skipped()) {
            return;
        }
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
