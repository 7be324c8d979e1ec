package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.events.HostHealthReported.Link;
import dev.wgmesh.common.events.HostHealthReported.LinkState;
import dev.wgmesh.common.group.HostName;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether bytes arrived from each peer since the host's configs were last applied: a handshake within 180 s
 * does not show it, as the old configs' session lingers. {@code rxBytes} is each peer's count at the previous
 * observation (the baseline); {@code receivedAt} the first observation that counted more than its baseline.
 * An apply starts over from {@link #NONE}, so its first observation only sets the baselines. The maps are
 * never changed once made: each observation makes new ones, and only when something changed (a deployer
 * makes a thousand a minute, of a thousand peers each).
 */
record TrafficSinceApply(Map<HostName, Long> rxBytes, Map<HostName, Instant> receivedAt) {

    static final TrafficSinceApply NONE = new TrafficSinceApply(Map.of(), Map.of());

    /**
     * With the links observed at {@code now}. UNKNOWN links are left out: they carry no counters (the file
     * target, or a host that could not be looked at), and a zero baseline would make the next count look new.
     * A count below its baseline (the interface was re-created) is only the new baseline.
     */
    TrafficSinceApply observed(List<Link> links, Instant now) {
        Map<HostName, Long> counts = null;
        Map<HostName, Instant> received = null;
        for (Link link : links) {
            if (link.state() == LinkState.UNKNOWN) {
                continue;
            }
            Long baseline = rxBytes.get(link.peer());
            if (baseline != null && baseline == link.rxBytes()) {
                continue;
            }
            if (counts == null) {
                counts = new HashMap<>(rxBytes);
            }
            counts.put(link.peer(), link.rxBytes());
            if (baseline != null && link.rxBytes() > baseline && !receivedAt.containsKey(link.peer())) {
                if (received == null) {
                    received = new HashMap<>(receivedAt);
                }
                received.put(link.peer(), now);
            }
        }
        return counts == null ? this : new TrafficSinceApply(Collections.unmodifiableMap(counts),
                received == null ? receivedAt : Collections.unmodifiableMap(received));
    }

    /** The links, each with when bytes first arrived from its peer since the apply (null: not yet). */
    List<Link> mark(List<Link> links) {
        return receivedAt.isEmpty() ? links : links.stream().map(link -> new Link(link.peer(), link.state(),
                link.latestHandshake(), link.rxBytes(), link.txBytes(), link.endpoint(), receivedAt.get(link.peer())))
                .toList();
    }
}
