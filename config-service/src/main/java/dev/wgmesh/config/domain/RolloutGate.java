package dev.wgmesh.config.domain;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.HostHealthReported.Link;
import dev.wgmesh.common.events.HostHealthReported.LinkState;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.events.RolloutProgressed;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.config.domain.StatusBoard.Expected;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The gate of a rollout's current wave, from what the deployers signed: each host of the wave applied the new
 * revision, and each of its tunnels that should work now carried traffic after the host applied it (the host
 * received bytes from the peer, or they made a handshake, after the apply; where the target cannot see tunnels,
 * applying is enough). A tunnel should work now when the peer already has the new revision, or when neither
 * end's key pair nor the pairs' preshared keys change in it, so the peer's old configs still fit. A handshake
 * within 180 s alone proves nothing: the session of the old configs outlives a broken new one.
 */
public final class RolloutGate {

    private final StatusBoard status;
    private final HealthBoard health;

    public RolloutGate(StatusBoard status, HealthBoard health) {
        this.status = status;
        this.health = health;
    }

    /** What a gate saw: {@code evidence} a line per tunnel checked, {@code reason} why it failed. */
    public record Verdict(Outcome outcome, String reason, List<String> evidence) {

        public enum Outcome { WAITING, PASSED, FAILED }

        public Verdict {
            evidence = List.copyOf(evidence);
        }
    }

    public Verdict check(RolloutProgressed rollout, Instant now) {
        GroupName group = rollout.group();
        HostGroupKeysGenerated keyed = status.keyed(group).orElse(null);
        boolean late = !now.isBefore(rollout.waveStartedAt().plusSeconds(rollout.gateSeconds()));
        if (keyed == null || keyed.revision() != rollout.revision()) {
            return late ? failed("the keys of revision " + rollout.revision() + " did not come within "
                    + rollout.gateSeconds() + " s", List.of()) : new Verdict(Verdict.Outcome.WAITING, null, List.of());
        }
        Map<HostName, Expected> expected = status.expected(group);
        Map<HostName, String> desired = status.desiredHashes(group);
        Set<HostName> keptKeys = keptKeys(keyed);
        List<String> evidence = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (HostName host : rollout.currentWave()) {
            DeploymentReported report = status.latestReport(group, host).orElse(null);
            boolean applied = report != null && report.outcome() == DeploymentReported.Outcome.APPLIED
                    && report.contentHash().equals(desired.get(host));
            if (report != null && report.outcome() == DeploymentReported.Outcome.FAILED
                    && report.revision() >= rollout.revision()) {
                return failed(host + " failed to apply revision " + rollout.revision() + ": " + report.reason(), evidence);
            }
            if (!applied) {
                missing.add(host + " has not applied revision " + rollout.revision());
                continue;
            }
            Expected wanted = expected.get(host);
            for (HostName peer : wanted == null ? List.<HostName>of() : wanted.peers()) {
                if (!rollout.released(peer) && !(keptKeys.contains(host) && keptKeys.contains(peer))) {
                    continue;
                }
                Instant since = report.occurredAt();
                Optional<DeploymentReported> peerReport = status.latestReport(group, peer);
                if (rollout.currentWave().contains(peer) && peerReport.isPresent()
                        && peerReport.get().occurredAt().isAfter(since)) {
                    since = peerReport.get().occurredAt();
                }
                Seen seen = traffic(group, host, peer, since);
                (seen.ok() ? evidence : missing).add(seen.line());
            }
        }
        if (missing.isEmpty()) {
            return new Verdict(Verdict.Outcome.PASSED, null, evidence);
        }
        List<String> all = new ArrayList<>(missing);
        all.addAll(evidence);
        return late ? failed("the gate of wave " + rollout.wave() + " of " + rollout.waves().size() + " was not passed within "
                + rollout.gateSeconds() + " s: " + missing.get(0) + (missing.size() > 1 ? " (and " + (missing.size() - 1)
                + " more)" : ""), all) : new Verdict(Verdict.Outcome.WAITING, null, all);
    }

    private record Seen(boolean ok, String line) {
    }

    /** One tunnel's evidence, seen from {@code host}: traffic from {@code peer} after {@code since}, or none. */
    private Seen traffic(GroupName group, HostName host, HostName peer, Instant since) {
        String tunnel = host + " <- " + peer + ": ";
        HostHealthReported report = health.report(group, host).filter(r -> !r.observedAt().isBefore(since)).orElse(null);
        if (report == null) {
            return new Seen(false, tunnel + "not observed since " + host + " applied the change");
        }
        Link link = report.links().stream().filter(l -> l.peer().equals(peer)).findFirst().orElse(null);
        if (link == null) {
            return new Seen(false, tunnel + "no such tunnel on " + host);
        }
        if (link.state() == LinkState.UNKNOWN) {
            return new Seen(true, tunnel + "applied (the target cannot see tunnels)");
        }
        if (link.receivedAfterApplyAt() != null && !link.receivedAfterApplyAt().isBefore(since)) {
            return new Seen(true, tunnel + "traffic at " + link.receivedAfterApplyAt());
        }
        if (link.latestHandshake() != null && !link.latestHandshake().isBefore(since)) {
            return new Seen(true, tunnel + "handshake at " + link.latestHandshake());
        }
        return new Seen(false, tunnel + "no traffic since " + since + " (" + link.state() + ")");
    }

    /**
     * The hosts whose key pair the new revision keeps, when it keeps the preshared keys too: a tunnel between two
     * of them works while one end still runs the previous revision. Empty when the preshared keys change.
     */
    private static Set<HostName> keptKeys(HostGroupKeysGenerated keyed) {
        HostGroupKeysGenerated before = keyed.previous();
        if (before == null || !Objects.equals(before.presharedKeySeed(), keyed.presharedKeySeed())) {
            return Set.of();
        }
        Map<HostName, PublicKey> old = before.hosts().stream().collect(Collectors.toMap(HostKeys::host, HostKeys::publicKey));
        return keyed.hosts().stream().filter(keys -> keys.publicKey().equals(old.get(keys.host()))).map(HostKeys::host)
                .collect(Collectors.toSet());
    }

    private static Verdict failed(String reason, List<String> evidence) {
        return new Verdict(Verdict.Outcome.FAILED, reason, evidence);
    }
}
