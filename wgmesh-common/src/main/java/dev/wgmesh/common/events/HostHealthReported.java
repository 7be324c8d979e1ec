package dev.wgmesh.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.wireguard.Endpoint;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What a deployer saw on one host: whether its configs are still what the host's revision declares
 * ({@code drift}, with what differs, never a secret) and the state of each of its tunnels. {@code revision}
 * is the revision the deployer last applied to the host; the record is compacted by {@code group/host}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostHealthReported(UUID eventId, GroupName group, long revision, Instant occurredAt, UUID correlationId,
                                 HostName host, String replica, Instant observedAt, Drift drift,
                                 List<String> differences, List<Link> links) implements WgmeshEvent {

    public static final String TYPE = "dev.wgmesh.host-health-reported.v1";

    /** More differences than this are summed up in the last one: a host that lost everything differs everywhere. */
    public static final int MAX_DIFFERENCES = 20;

    public enum Drift {
        /** What runs is what was declared. */
        IN_SYNC,
        /** Something runs, but not what was declared. */
        DRIFTED,
        /** An interface or file that was declared is not there. */
        MISSING,
        /** The host could not be looked at (the reason is the only difference). */
        UNKNOWN
    }

    /**
     * A tunnel's state seen from this host: {@code UP} a handshake within the last 180 s; {@code STALE} one
     * older than that while none was due yet; {@code DOWN} none within 180 s although one was expected;
     * {@code NEVER} no handshake yet; {@code UNKNOWN} where it cannot be seen (the file target).
     */
    public enum LinkState {
        UP, STALE, DOWN, NEVER, UNKNOWN
    }

    /**
     * One tunnel from this host to {@code peer}; {@code latestHandshake} is null when there was none.
     * {@code receivedAfterApplyAt} is the first observation since the host's configs were last applied at
     * which more bytes had arrived from the peer than at the observation before; null: none yet (or the
     * target cannot see tunnels). A handshake alone does not show that the new configs work: the session of
     * the old ones lingers for up to 180 s.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Link(HostName peer, LinkState state, Instant latestHandshake, long rxBytes, long txBytes,
                       Endpoint endpoint, Instant receivedAfterApplyAt) {
        public Link {
            Objects.requireNonNull(peer, "links[].peer is required");
            Objects.requireNonNull(state, "links[].state is required");
            if (rxBytes < 0 || txBytes < 0) {
                throw new IllegalArgumentException("links[] of peer " + peer + ": rxBytes " + rxBytes
                        + " and txBytes " + txBytes + " must not be negative");
            }
        }

        /** A link without {@code receivedAfterApplyAt}: no traffic seen since the last apply. */
        public Link(HostName peer, LinkState state, Instant latestHandshake, long rxBytes, long txBytes,
                    Endpoint endpoint) {
            this(peer, state, latestHandshake, rxBytes, txBytes, endpoint, null);
        }
    }

    public HostHealthReported {
        WgmeshEvent.checkCommonFields(eventId, group, revision, occurredAt, correlationId);
        Objects.requireNonNull(host, "host is required");
        DeploymentReported.checkReplica(replica);
        Objects.requireNonNull(observedAt, "observedAt is required");
        Objects.requireNonNull(drift, "drift is required");
        differences = differences == null ? List.of() : differences.stream().map(SafeText::redact).toList();
        if (differences.size() > MAX_DIFFERENCES) {
            throw new IllegalArgumentException("differences has " + differences.size() + " entries, at most "
                    + MAX_DIFFERENCES + " are allowed");
        }
        if (drift != Drift.IN_SYNC && differences.isEmpty()) {
            throw new IllegalArgumentException("drift " + drift + " needs at least one difference saying what differs");
        }
        links = links == null ? List.of() : List.copyOf(links);
        if (links.stream().map(Link::peer).distinct().count() != links.size()) {
            throw new IllegalArgumentException("links names a peer twice");
        }
    }

    @Override
    public String recordKey() {
        return HostConfigRendered.key(group, host);
    }

    @Override
    public String eventType() {
        return TYPE;
    }
}
