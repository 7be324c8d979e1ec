package dev.wgmesh.config.domain;

import dev.wgmesh.common.events.DeadLetterReason;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.HostHealthReported.Drift;
import dev.wgmesh.common.events.HostHealthReported.Link;
import dev.wgmesh.common.events.HostHealthReported.LinkState;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.config.domain.GroupHealth.HostHealth;
import dev.wgmesh.config.domain.GroupHealth.LinkHealth;
import dev.wgmesh.config.domain.StatusBoard.Expected;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest observation of every host, as the deployers signed it on the compacted health topic, and the
 * health of a group measured against what its current revision expects. An observation is read from its JSON only
 * when its host's health is first asked for: a change of a 1,000-host mesh brings 60 MB of them, and most are
 * replaced by the next before anyone looks.
 */
public final class HealthBoard {

    private static final Logger log = LoggerFactory.getLogger(HealthBoard.class);

    /** An observation as it came, with its signed revision; read once, when asked for. */
    private static final class Observation {

        private final String key;
        private final long revision;
        private Supplier<HostHealthReported> unread;
        private HostHealthReported report;

        Observation(String key, long revision, Supplier<HostHealthReported> read) {
            this.key = key;
            this.revision = revision;
            this.unread = read;
        }

        synchronized Optional<HostHealthReported> report() {
            if (unread != null) {
                try {
                    report = unread.get();
                } catch (RuntimeException e) {
                    // signed by a trusted deployer, yet not an observation of this host: as if it had not come
                    log.warn("the observation of {} is refused: {}", key, DeadLetterReason.of(e));
                }
                unread = null;
            }
            return Optional.ofNullable(report);
        }
    }

    private final Map<String, Observation> latest = new ConcurrentHashMap<>();

    /** Keeps the report unless one of a later revision is known: the topic is in order per host, replicas may not be. */
    public void reported(HostHealthReported report) {
        reported(HostConfigRendered.key(report.group(), report.host()), report.revision(), () -> report);
    }

    /**
     * A signed observation of the host with the record key {@code key} ({@code group/host}) at the signed
     * {@code revision}, read by {@code read} when first asked for (which refuses one whose key or revision is not
     * the signed one). Kept unless one of a later revision is known.
     */
    public void reported(String key, long revision, Supplier<HostHealthReported> read) {
        latest.merge(key, new Observation(key, revision, read),
                (known, given) -> given.revision >= known.revision ? given : known);
    }

    /** The host's latest observation, whatever its revision. */
    public Optional<HostHealthReported> report(GroupName group, HostName host) {
        return Optional.ofNullable(latest.get(HostConfigRendered.key(group, host))).flatMap(Observation::report);
    }

    /** A tombstone: the host left its group. */
    public void forget(String key) {
        latest.remove(key);
    }

    /** The group was deleted: none of its observations stays. */
    public void forgetGroup(GroupName group) {
        latest.keySet().removeIf(key -> key.startsWith(group.value() + "/"));
    }

    /**
     * The group's health: each declared host with its latest report, if it is of this host's current keys
     * (a report of a host that had the name before, or left and came back, does not count), and its links to
     * the peers it should reach. Healthy when every host is {@code IN_SYNC} and each expected link is
     * {@code UP}, or {@code UNKNOWN} where the target cannot see tunnels; a host not observed yet is not.
     */
    public GroupHealth health(HostGroupChanged group, Map<HostName, Expected> expected) {
        List<HostHealth> hosts = new ArrayList<>();
        boolean healthy = true;
        int up = 0;
        int total = 0;
        for (Host host : group.spec().hosts()) {
            Expected wanted = expected.get(host.name());
            Set<HostName> peers = wanted == null ? Set.of() : wanted.peers();
            HostHealthReported report = report(group.group(), host.name()).orElse(null);
            if (report != null && (wanted == null || report.revision() < wanted.keyEpoch())) {
                report = null;
            }
            total += peers.size();
            if (report == null) {
                healthy = false;
                hosts.add(new HostHealth(host.name().value(), Drift.UNKNOWN.name(), null,
                        List.of("not observed yet"), List.of()));
                continue;
            }
            healthy &= report.drift() == Drift.IN_SYNC;
            List<LinkHealth> links = new ArrayList<>();
            for (Link link : report.links()) {
                if (peers.contains(link.peer())) {
                    links.add(LinkHealth.of(link));
                    up += link.state() == LinkState.UP ? 1 : 0;
                }
            }
            long fine = report.links().stream().filter(link -> peers.contains(link.peer()))
                    .filter(link -> link.state() == LinkState.UP || link.state() == LinkState.UNKNOWN).count();
            healthy &= fine == peers.size();
            hosts.add(new HostHealth(host.name().value(), report.drift().name(), report.observedAt(),
                    report.differences(), links));
        }
        return new GroupHealth(group.group().value(), healthy, new GroupHealth.Links(up, total), hosts);
    }
}
