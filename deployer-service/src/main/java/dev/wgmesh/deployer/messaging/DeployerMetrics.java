package dev.wgmesh.deployer.messaging;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.HostHealthReported.Drift;
import dev.wgmesh.common.events.HostHealthReported.Link;
import dev.wgmesh.common.events.HostHealthReported.LinkState;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The deployer's meters, named as the WireGuard exporters name theirs: per tunnel seen from a host
 * ({@code group}, {@code host}, {@code peer}) {@code wireguard_peer_last_handshake_seconds},
 * {@code wireguard_peer_receive_bytes_total}, {@code wireguard_peer_transmit_bytes_total},
 * {@code wireguard_peer_up}; per host {@code wgmesh_host_drift} (0 in sync, 1 drifted or missing);
 * {@code wgmesh_deploy_seconds} and {@code wgmesh_deploys_total{outcome}}. A host's meters go when this
 * replica stops watching it.
 */
@Component
class DeployerMetrics {

    /** The latest values of one tunnel, read by its meters. */
    private static final class LinkValues {
        volatile double handshake;
        volatile double received;
        volatile double sent;
        volatile double up;
    }

    /** The latest values of one host and its meters. */
    private static final class HostValues {
        volatile double drift;
        final Map<HostName, LinkValues> links = new ConcurrentHashMap<>();
        final List<Meter> meters = new ArrayList<>();
    }

    private final MeterRegistry registry;
    private final Map<String, HostValues> hosts = new ConcurrentHashMap<>();

    DeployerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void deployed(DeploymentReported report) {
        Counter.builder("wgmesh.deploys").description("host deployments by outcome")
                .tag("outcome", report.outcome().name().toLowerCase()).register(registry).increment();
        Timer.builder("wgmesh.deploy").description("how long applying one host took")
                .register(registry).record(Duration.ofMillis(report.durationMillis()));
    }

    void observed(HostHealthReported health) {
        String key = HostConfigRendered.key(health.group(), health.host());
        Tags hostTags = Tags.of("group", health.group().value(), "host", health.host().value());
        HostValues host = hosts.computeIfAbsent(key, k -> {
            HostValues values = new HostValues();
            synchronized (values) {
                values.meters.add(Gauge.builder("wgmesh.host.drift", values, v -> v.drift).tags(hostTags)
                        .description("1 when the host's configs drifted or are missing, else 0").register(registry));
            }
            return values;
        });
        host.drift = health.drift() == Drift.DRIFTED || health.drift() == Drift.MISSING ? 1 : 0;
        for (Link link : health.links()) {
            LinkValues values = host.links.computeIfAbsent(link.peer(), peer -> register(host, hostTags.and("peer",
                    peer.value())));
            values.handshake = link.latestHandshake() == null ? 0 : link.latestHandshake().getEpochSecond();
            values.received = link.rxBytes();
            values.sent = link.txBytes();
            values.up = link.state() == LinkState.UP ? 1 : 0;
        }
    }

    void forgotten(GroupName group, HostName host) {
        HostValues values = hosts.remove(HostConfigRendered.key(group, host));
        if (values != null) {
            synchronized (values) {
                values.meters.forEach(registry::remove);
            }
        }
    }

    private LinkValues register(HostValues host, Tags tags) {
        LinkValues values = new LinkValues();
        synchronized (host) {
            host.meters.add(Gauge.builder("wireguard.peer.last.handshake.seconds", values, v -> v.handshake).tags(tags)
                    .description("Unix time of the tunnel's latest handshake, 0 when none").register(registry));
            host.meters.add(FunctionCounter.builder("wireguard.peer.receive.bytes", values, v -> v.received).tags(tags)
                    .description("bytes received from the peer").register(registry));
            host.meters.add(FunctionCounter.builder("wireguard.peer.transmit.bytes", values, v -> v.sent).tags(tags)
                    .description("bytes sent to the peer").register(registry));
            host.meters.add(Gauge.builder("wireguard.peer.up", values, v -> v.up).tags(tags)
                    .description("1 when the tunnel had a handshake within 180 s").register(registry));
        }
        return values;
    }
}
