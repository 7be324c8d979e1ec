package dev.wgmesh.config.domain;

import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.events.RolloutProgressed;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.KeyRotation;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.render.HostFiles;
import dev.wgmesh.common.wireguard.WgConfig;
import dev.wgmesh.config.domain.GroupStatus.HostStatus;
import dev.wgmesh.config.domain.GroupStatus.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What every host should run (rendered from the latest keyed group, as the renderer does) and what the
 * deployers last reported, so the API can tell which hosts are current. While a rollout in waves runs, a host
 * not yet released should run what it ran before: the previous revision's files, rendered from the keys
 * that came with the new ones.
 */
public final class StatusBoard {

    /**
     * A host's desired files by hash, the revision at which that hash last changed, the peers its tunnels go
     * to, and the revision its current keys were made at (a report older than that is of another host that
     * had the name before, or of keys that are gone).
     *
     * @param sentAtRevision true when every host got a record at {@code revision} (a rollback's), so a report
     *                       of an older revision is not yet of these files: a host released in the rolled-back
     *                       rollout may still be applying it, with the files of before in its last report
     */
    private record Desired(String contentHash, long revision, Set<HostName> peers, long keyEpoch,
                           boolean sentAtRevision) {
    }

    private final Clock clock;
    private final Map<GroupName, Long> keyedRevisions = new HashMap<>();
    /** The latest keyed group, so one host's desired interfaces can be rendered for the host detail. */
    private final Map<GroupName, HostGroupKeysGenerated> latestKeyed = new HashMap<>();
    private final Map<GroupName, Map<HostName, Desired>> desired = new HashMap<>();
    /** Of a group whose latest keys carry the previous revision's: what its hosts ran before the rollout. */
    private final Map<GroupName, Map<HostName, Desired>> before = new HashMap<>();
    private final Map<String, DeploymentReported> latestReports = new HashMap<>();
    private final Map<String, DeploymentReported> latestApplied = new HashMap<>();

    /** @param clock tells key ages */
    public StatusBoard(Clock clock) {
        this.clock = clock;
    }

    public synchronized void keysGenerated(HostGroupKeysGenerated keyed) {
        GroupName group = keyed.group();
        Long known = keyedRevisions.get(group);
        if (known != null && known > keyed.revision()) {
            return;
        }
        if (keyed.spec() == null) {
            // deleted: nothing of the group stays, its hosts' reports neither
            keyedRevisions.remove(group);
            latestKeyed.remove(group);
            desired.remove(group);
            before.remove(group);
            latestReports.keySet().removeIf(key -> key.startsWith(group.value() + "/"));
            latestApplied.keySet().removeIf(key -> key.startsWith(group.value() + "/"));
            return;
        }
        Map<HostName, Desired> wanted = desired.getOrDefault(group, Map.of());
        keyedRevisions.put(group, keyed.revision());
        latestKeyed.put(group, keyed);
        desired.put(group, desired(keyed, wanted));
        if (keyed.previous() != null) {
            before.put(group, desired(keyed.previous(), wanted));
        } else {
            before.remove(group);
        }
    }

    /** Each host's desired files; a host whose files are as {@code known} keeps the revision they changed at. */
    private static Map<HostName, Desired> desired(HostGroupKeysGenerated keyed, Map<HostName, Desired> known) {
        Map<HostName, Desired> after = new HashMap<>();
        // the renderer sends a rollback's revision to every host (RenderPlan)
        boolean sentToAll = keyed.cause() == ChangeCause.ROLLBACK;
        for (HostFiles files : GroupRenderer.render(keyed).values()) {
            Desired old = known.get(files.host());
            // in name order, sorted once into a set that keeps it: a tree set's comparisons for a thousand hosts of
            // a thousand peers were 7 % of config-service's CPU in a change (JFR)
            Set<HostName> peers = files.interfaces().stream().flatMap(i -> i.peers().stream())
                    .map(WgConfig.Peer::host).sorted().collect(Collectors.toCollection(LinkedHashSet::new));
            after.put(files.host(), !sentToAll && old != null && old.contentHash().equals(files.contentHash())
                    ? old : new Desired(files.contentHash(), keyed.revision(), peers, files.privateKey().epoch(),
                    sentToAll));
        }
        return after;
    }

    /** The group's latest keys, with the spec they were made for (it may be older than the declared group). */
    public synchronized Optional<HostGroupKeysGenerated> keyed(GroupName group) {
        return Optional.ofNullable(latestKeyed.get(group));
    }

    /** What the health of a host is measured against: the peers it should reach, and since when its keys hold. */
    public record Expected(Set<HostName> peers, long keyEpoch) {
    }

    /** Every keyed host's expected tunnels; empty while the group is not keyed. */
    public synchronized Map<HostName, Expected> expected(GroupName group) {
        Map<HostName, Expected> expected = new HashMap<>();
        desired.getOrDefault(group, Map.of()).forEach((host, d) -> expected.put(host, new Expected(d.peers(), d.keyEpoch())));
        return expected;
    }

    /** The hash of each host's files at the latest keyed revision, released in a rollout or not. */
    public synchronized Map<HostName, String> desiredHashes(GroupName group) {
        Map<HostName, String> hashes = new HashMap<>();
        desired.getOrDefault(group, Map.of()).forEach((host, d) -> hashes.put(host, d.contentHash()));
        return hashes;
    }

    /** The host's latest deployment report, whatever its outcome. */
    public synchronized Optional<DeploymentReported> latestReport(GroupName group, HostName host) {
        return Optional.ofNullable(latestReports.get(HostConfigRendered.key(group, host)));
    }

    public synchronized void reported(DeploymentReported report) {
        String key = HostConfigRendered.key(report.group(), report.host());
        DeploymentReported latest = latestReports.get(key);
        if (latest != null && latest.revision() > report.revision()) {
            return;
        }
        if (report.outcome() == DeploymentReported.Outcome.REMOVED) {
            // the host left its group or the group went: a report of it says nothing of any status
            latestReports.remove(key);
            latestApplied.remove(key);
            return;
        }
        latestReports.put(key, report);
        if (report.outcome() == DeploymentReported.Outcome.APPLIED) {
            latestApplied.put(key, report);
        }
    }

    /** The status of a group that never rolled out in waves. */
    public GroupStatus status(HostGroupChanged group) {
        return status(group, null);
    }

    /**
     * The status of the group as {@code group} declares it (not deleted), with its rollout in waves (null:
     * none): not converged while the rollout runs or is paused.
     */
    public synchronized GroupStatus status(HostGroupChanged group, RolloutProgressed rollout) {
        Map<HostName, Desired> wanted = wanted(group, rollout);
        Map<HostName, HostKeys> keys = new HashMap<>();
        HostGroupKeysGenerated keyed = latestKeyed.get(group.group());
        if (keyed != null) {
            keyed.hosts().forEach(k -> keys.put(k.host(), k));
        }
        Instant now = clock.instant();
        KeyRotation schedule = group.spec().keyRotation();
        Map<HostName, Instant> nextRotations = keyed == null ? Map.of() : RotationSchedule.nextRotations(schedule, keyed);
        List<HostStatus> hosts = new ArrayList<>();
        boolean allApplied = true;
        for (Host host : group.spec().hosts()) {
            String key = HostConfigRendered.key(group.group(), host.name());
            HostKeys hostKeys = keys.get(host.name());
            Instant keyCreatedAt = hostKeys == null ? null : hostKeys.createdAt();
            HostStatus status = hostStatus(host.name(), wanted.get(host.name()), latestReports.get(key), latestApplied.get(key),
                    keyCreatedAt, keyCreatedAt == null ? null : Math.max(0, Duration.between(keyCreatedAt, now).toSeconds()),
                    nextRotations.get(host.name()));
            allApplied &= status.state() == State.APPLIED;
            hosts.add(status);
        }
        Instant seedMadeAt = keyed == null ? null : keyed.presharedKeySeedCreatedAt();
        return new GroupStatus(group.group().value(), group.revision(), keyedLatest(group) && allApplied && rolledOut(rollout),
                seedMadeAt, keyed == null ? null : RotationSchedule.nextPresharedKeyRotation(schedule, keyed), hosts,
                rollout == null ? null : GroupStatus.RolloutView.of(rollout));
    }

    /**
     * What {@code status(group, rollout).converged()} says, without making the status: it stops at the first host
     * that is not done. Asked at every report of a group, the whole status of a thousand hosts was a thousand
     * times a thousand host statuses per change.
     */
    public synchronized boolean converged(HostGroupChanged group, RolloutProgressed rollout) {
        if (!keyedLatest(group) || !rolledOut(rollout)) {
            return false;
        }
        Map<HostName, Desired> wanted = wanted(group, rollout);
        for (Host host : group.spec().hosts()) {
            if (state(wanted.get(host.name()), latestReports.get(HostConfigRendered.key(group.group(), host.name())))
                    != State.APPLIED) {
                return false;
            }
        }
        return true;
    }

    private boolean keyedLatest(HostGroupChanged group) {
        return Long.valueOf(group.revision()).equals(keyedRevisions.get(group.group()));
    }

    private static boolean rolledOut(RolloutProgressed rollout) {
        return rollout == null || !rollout.state().active();
    }

    /** What each host should run: a host not yet released in a running rollout, what it ran before. */
    private Map<HostName, Desired> wanted(HostGroupChanged group, RolloutProgressed rollout) {
        Map<HostName, Desired> latest = desired.getOrDefault(group.group(), Map.of());
        boolean rolling = !rolledOut(rollout) && Long.valueOf(rollout.revision()).equals(keyedRevisions.get(group.group()));
        if (!rolling) {
            return latest;
        }
        Map<HostName, Desired> wanted = new HashMap<>(latest);
        Map<HostName, Desired> old = before.getOrDefault(group.group(), Map.of());
        for (Host host : group.spec().hosts()) {
            if (!rollout.released(host.name())) {
                wanted.compute(host.name(), (name, d) -> old.get(name));
            }
        }
        return wanted;
    }

    /** A host's state: its latest report against the files it should run. */
    private static State state(Desired wanted, DeploymentReported latest) {
        if (wanted == null || latest == null) {
            return State.PENDING;
        }
        boolean sameFiles = wanted.contentHash().equals(latest.contentHash());
        boolean current = !wanted.sentAtRevision() || latest.revision() >= wanted.revision();
        if (latest.outcome() == DeploymentReported.Outcome.APPLIED && sameFiles && current) {
            return State.APPLIED;
        }
        if (latest.outcome() == DeploymentReported.Outcome.FAILED && (sameFiles || latest.revision() >= wanted.revision())) {
            return State.FAILED;
        }
        return State.PENDING;
    }

    private static HostStatus hostStatus(HostName host, Desired wanted, DeploymentReported latest,
                                         DeploymentReported applied, Instant keyCreatedAt, Long keyAgeSeconds,
                                         Instant nextKeyRotationAt) {
        State state = state(wanted, latest);
        return new HostStatus(host.value(),
                wanted == null ? null : wanted.revision(),
                applied == null ? null : applied.revision(),
                state,
                state == State.FAILED ? latest.reason() : null,
                latest == null ? null : latest.replica(),
                wanted == null ? null : wanted.contentHash(),
                keyCreatedAt, keyAgeSeconds, nextKeyRotationAt);
    }
}
