package dev.wgmesh.config.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wgmesh.common.events.HostHealthReported.Link;
import java.time.Instant;
import java.util.List;

/** {@code GET /api/v1/groups/{group}/health} (SPEC "Live state"): whether the group's tunnels carry traffic. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record GroupHealth(String group, boolean healthy, Links links, List<HostHealth> hosts) {

    /** Expected links (one per host and peer it should reach) and how many of them are {@code UP}. */
    public record Links(int up, int total) {
    }

    /**
     * @param observedAt  null while the host has not been observed (drift {@code UNKNOWN})
     * @param differences what the deployer found different (never a secret), so an operator sees why it drifted
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record HostHealth(String host, String drift, Instant observedAt, List<String> differences,
                             List<LinkHealth> links) {
    }

    /** @param latestHandshake null when there was none */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record LinkHealth(String peer, String state, Instant latestHandshake, long rxBytes, long txBytes) {

        static LinkHealth of(Link link) {
            return new LinkHealth(link.peer().value(), link.state().name(), link.latestHandshake(), link.rxBytes(),
                    link.txBytes());
        }
    }
}
