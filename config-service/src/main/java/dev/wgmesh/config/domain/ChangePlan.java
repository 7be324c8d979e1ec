package dev.wgmesh.config.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.wireguard.InterfaceName;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.WgConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What replacing a group's spec would do, before anything is published: hosts added, removed and changed
 * (which interfaces), tunnels (links) added and removed, the hosts that get new key pairs, and the revision
 * the change would get. In both topologies every two hosts of a group share one tunnel, so the links follow
 * from the hosts; they are listed when there are at most {@link #LISTED_LINKS} of them, and always counted.
 * {@code waves} are the hosts of each wave when the group rolls the change out in waves (null: all at once).
 */
public record ChangePlan(GroupName group, long revision, boolean created, List<HostName> hostsAdded,
                         List<HostName> hostsRemoved, List<HostChange> hostsChanged, Links links,
                         List<HostName> keysRotated, BlastRadius blastRadius,
                         @JsonInclude(JsonInclude.Include.NON_NULL) List<List<HostName>> waves) {

    static final int LISTED_LINKS = 200;

    /** A host that stays, with the interfaces it gains, loses, or runs differently (addresses, port, peers...). */
    public record HostChange(HostName host, List<InterfaceName> interfacesAdded, List<InterfaceName> interfacesRemoved,
                             List<InterfaceName> interfacesChanged) {
    }

    /** A tunnel between two hosts, named in slot order. */
    public record Link(HostName from, HostName to) {
    }

    /** Counts of links before and after, added and removed; the lists when they are short. */
    public record Links(long before, long after, long added, long removed, List<Link> addedList, List<Link> removedList) {
    }

    /** @param current the group's spec now, or null when the change creates it */
    static ChangePlan of(GroupName group, long revision, HostGroupSpec current, HostGroupSpec next) {
        List<Host> before = current == null ? List.of() : current.hosts();
        Set<HostName> beforeNames = names(before);
        Set<HostName> afterNames = names(next.hosts());
        List<HostName> added = next.hosts().stream().map(Host::name).filter(h -> !beforeNames.contains(h)).toList();
        List<HostName> removed = before.stream().map(Host::name).filter(h -> !afterNames.contains(h)).toList();
        long kept = afterNames.size() - added.size();
        Links links = new Links(pairs(beforeNames.size()), pairs(afterNames.size()),
                pairs(afterNames.size()) - pairs(kept), pairs(beforeNames.size()) - pairs(kept),
                linksOf(added, next.hosts()), linksOf(removed, before));
        return new ChangePlan(group, revision, current == null, added, removed, changes(current, next), links, added,
                new BlastRadius(before.size(), removed.size(), links.before(), links.removed()),
                current == null || !next.rollsOutInWaves() ? null : RolloutDecisions.waves(current, next, null));
    }

    /** How much of {@code current} replacing it by {@code next} removes: hosts and links counted, nothing rendered. */
    static BlastRadius blastRadius(HostGroupSpec current, HostGroupSpec next) {
        Set<HostName> after = names(next.hosts());
        long kept = current.hosts().stream().filter(host -> after.contains(host.name())).count();
        int before = current.hosts().size();
        return new BlastRadius(before, (int) (before - kept), pairs(before), pairs(before) - pairs(kept));
    }

    /** The links of {@code hosts} to every host of {@code group}, each once; none when they would be too many. */
    private static List<Link> linksOf(List<HostName> hosts, List<Host> group) {
        Set<HostName> named = Set.copyOf(hosts);
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            for (int j = i + 1; j < group.size(); j++) {
                if (named.contains(group.get(i).name()) || named.contains(group.get(j).name())) {
                    if (links.size() == LISTED_LINKS) {
                        return List.of();
                    }
                    links.add(new Link(group.get(i).name(), group.get(j).name()));
                }
            }
        }
        return links;
    }

    /** Hosts in both versions whose interfaces differ; keys left out (each host keeps its own in both). */
    private static List<HostChange> changes(HostGroupSpec current, HostGroupSpec next) {
        if (current == null) {
            return List.of();
        }
        Map<HostName, List<WgConfig>> before = GroupRenderer.interfaces(current, ChangePlan::sameKey);
        Map<HostName, List<WgConfig>> after = GroupRenderer.interfaces(next, ChangePlan::sameKey);
        List<HostChange> changes = new ArrayList<>();
        after.forEach((host, interfaces) -> {
            List<WgConfig> old = before.get(host);
            if (old == null || old.equals(interfaces)) {
                return;
            }
            Map<InterfaceName, WgConfig> oldByName = byName(old);
            Map<InterfaceName, WgConfig> newByName = byName(interfaces);
            changes.add(new HostChange(host,
                    newByName.keySet().stream().filter(name -> !oldByName.containsKey(name)).toList(),
                    oldByName.keySet().stream().filter(name -> !newByName.containsKey(name)).toList(),
                    newByName.keySet().stream().filter(name -> oldByName.containsKey(name)
                            && !oldByName.get(name).equals(newByName.get(name))).toList()));
        });
        return changes;
    }

    /** A stand-in public key per host name, the same in both versions, so only real changes show. */
    private static PublicKey sameKey(HostName host) {
        try {
            return PublicKey.of(MessageDigest.getInstance("SHA-256").digest(host.value().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<InterfaceName, WgConfig> byName(List<WgConfig> interfaces) {
        Map<InterfaceName, WgConfig> byName = new java.util.LinkedHashMap<>();
        interfaces.forEach(config -> byName.put(config.name(), config));
        return byName;
    }

    private static Set<HostName> names(List<Host> hosts) {
        Set<HostName> names = new LinkedHashSet<>();
        hosts.forEach(host -> names.add(host.name()));
        return names;
    }

    private static long pairs(long hosts) {
        return hosts * (hosts - 1) / 2;
    }
}
