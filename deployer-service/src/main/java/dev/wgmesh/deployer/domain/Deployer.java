package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.DeploymentReported.Outcome;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.events.SafeText;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.HostOs;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one host's desired state in revision order: an older revision than the applied one is
 * skipped (no report), the same content hash changes nothing but is reported APPLIED, anything else
 * goes through the target. Business failures become FAILED reports, never exceptions.
 */
public final class Deployer {

    private final SecretFiller filler;
    private final PeerTables peerTables;
    private final Target target;
    private final StateStore states;
    private final String replica;
    private final Logger log;
    /**
     * What each host should show after the files this deployer wrote last, until the observer's look after the
     * apply takes it: so an apply opens the host's secrets once, not once more for that look. One per host.
     */
    private final Map<String, Written> written = new ConcurrentHashMap<>();

    private record Written(UUID recordId, ExpectedHost expected) {
    }

    public Deployer(SecretFiller filler, PeerTables peerTables, Target target, StateStore states, String replica) {
        this(filler, peerTables, target, states, replica, LoggerFactory.getLogger(Deployer.class));
    }

    /** @param log where each host's outcome is logged (the warm-up's made-up hosts are not) */
    Deployer(SecretFiller filler, PeerTables peerTables, Target target, StateStore states, String replica, Logger log) {
        this.filler = filler;
        this.peerTables = peerTables;
        this.target = target;
        this.states = states;
        this.replica = replica;
        this.log = log;
    }

    public String replica() {
        return replica;
    }

    /**
     * @return the report to publish, or empty when the record is older than what the host has, or names a
     *         peer table that a later revision replaced (the host's newer record follows)
     * @throws PeerTableMissingException when the record's peer table does not arrive in time
     */
    public Optional<DeploymentReported> deploy(HostConfigRendered rendered) {
        return deploy(rendered, null);
    }

    /**
     * Applies the host's record again, through the target even when its content is applied already: the
     * host drifted, its last apply failed, an operator asked, or this deployer lost its state.
     *
     * @return the report with its cause, or empty when a later revision was applied or replaced the record
     */
    public Optional<DeploymentReported> redeploy(HostConfigRendered rendered, DeploymentReported.Cause cause) {
        return deploy(rendered, Objects.requireNonNull(cause, "cause"));
    }

    /** What this deployer's disk says it applied to the host; empty when it has no record of it. */
    public Optional<AppliedState> applied(GroupName group, HostName host) throws IOException {
        return states.read(group, host);
    }

    /**
     * What the host should run, from its record (and its group's peer table): made when this deployer wrote
     * the record's files, or else by opening its secrets to know their hashes and forgetting them.
     *
     * @return empty when a later revision replaced the record's peer table (its newer record follows)
     */
    public Optional<ExpectedHost> expected(HostConfigRendered rendered) throws DeployFailure {
        Written made = written.remove(rendered.recordKey());
        if (made != null && made.recordId().equals(rendered.eventId())) {
            return Optional.of(made.expected());
        }
        MeshPeersRendered peerTable = null;
        if (rendered.meshPeersHash() != null) {
            Optional<MeshPeersRendered> found = peerTables.await(rendered);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            peerTable = found.get();
        }
        return Optional.of(filler.fill(rendered, peerTable).expected());
    }

    private Optional<DeploymentReported> deploy(HostConfigRendered rendered, DeploymentReported.Cause cause) {
        long start = System.nanoTime();
        GroupName group = rendered.group();
        HostName host = rendered.host();
        HostRef ref = new HostRef(group, host, rendered.os(), rendered.revision());
        MeshPeersRendered peerTable = null;
        if (rendered.meshPeersHash() != null) {
            Optional<MeshPeersRendered> found = peerTables.await(rendered);
            if (found.isEmpty()) {
                log.info("{} revision {} skipped: a later revision replaced its peer table", ref, rendered.revision());
                return Optional.empty();
            }
            peerTable = found.get();
        }
        try (StateStore.HostLock lock = states.lock(group, host)) {
            Optional<AppliedState> applied = states.read(group, host);
            if (applied.isPresent() && rendered.revision() < applied.get().revision()) {
                log.info("{} revision {} skipped: revision {} is already applied", ref, rendered.revision(),
                        applied.get().revision());
                return Optional.empty();
            }
            if (cause == null && applied.isPresent() && !applied.get().removed()
                    && rendered.contentHash().equals(applied.get().contentHash())) {
                if (rendered.revision() > applied.get().revision()) {
                    states.write(group, host, AppliedState.applied(rendered.revision(), rendered.contentHash(), rendered.os()));
                }
                log.info("{} revision {} unchanged (content {} already applied)", ref, rendered.revision(),
                        rendered.contentHash());
                return Optional.of(report(rendered, Outcome.APPLIED, null, start, null));
            }
            SecretFiller.Filled filled = filler.fill(rendered, peerTable);
            String changes = target.apply(ref, filled.files());
            states.write(group, host, AppliedState.applied(rendered.revision(), rendered.contentHash(), rendered.os()));
            written.put(rendered.recordKey(), new Written(rendered.eventId(), filled.expected()));
            log.info("{} revision {} applied{}: {}", ref, rendered.revision(), cause == null ? "" : " (" + cause.json() + ")",
                    changes);
            return Optional.of(report(rendered, Outcome.APPLIED, null, start, cause));
        } catch (DeployFailure e) {
            return Optional.of(failed(ref, rendered, e.getMessage(), start, cause));
        } catch (IOException e) {
            return Optional.of(failed(ref, rendered, "I/O error: " + e, start, cause));
        }
    }

    /** A tombstone: the host left its group, or the group was deleted. */
    public Optional<DeploymentReported> remove(GroupName group, HostName host, long revision, UUID correlationId) {
        long start = System.nanoTime();
        String reason;
        try (StateStore.HostLock lock = states.lock(group, host)) {
            Optional<AppliedState> applied = states.read(group, host);
            if (applied.isPresent() && revision < applied.get().revision()) {
                log.info("{}/{} removal at revision {} skipped: revision {} is already applied", group, host, revision,
                        applied.get().revision());
                return Optional.empty();
            }
            HostOs os = applied.map(AppliedState::os).orElse(null);
            String changes = target.remove(new HostRef(group, host, os, revision));
            states.write(group, host, AppliedState.removed(revision, os));
            written.remove(HostConfigRendered.key(group, host));
            log.info("{}/{} revision {} removed: {}", group, host, revision, changes);
            return Optional.of(new DeploymentReported(UUID.randomUUID(), group, revision, Instant.now(), correlationId,
                    host, Outcome.REMOVED, null, null, replica, millisSince(start)));
        } catch (DeployFailure e) {
            reason = SafeText.redact(e.getMessage());
        } catch (IOException e) {
            reason = SafeText.redact("I/O error: " + e);
        }
        log.warn("{}/{} removal at revision {} failed: {}", group, host, revision, reason);
        return Optional.of(new DeploymentReported(UUID.randomUUID(), group, revision, Instant.now(), correlationId,
                host, Outcome.FAILED, reason, null, replica, millisSince(start)));
    }

    /** The reason may quote a tool's stderr, which may quote a value: key-like text is cut out of it. */
    private DeploymentReported failed(HostRef ref, HostConfigRendered rendered, String reason, long start,
                                      DeploymentReported.Cause cause) {
        String safe = SafeText.redact(reason);
        log.warn("{} revision {} failed: {}", ref, rendered.revision(), safe);
        return report(rendered, Outcome.FAILED, safe, start, cause);
    }

    private DeploymentReported report(HostConfigRendered rendered, Outcome outcome, String reason, long start,
                                      DeploymentReported.Cause cause) {
        return new DeploymentReported(UUID.randomUUID(), rendered.group(), rendered.revision(), Instant.now(),
                rendered.correlationId(), rendered.host(), outcome, reason, rendered.contentHash(), replica,
                millisSince(start), cause);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
