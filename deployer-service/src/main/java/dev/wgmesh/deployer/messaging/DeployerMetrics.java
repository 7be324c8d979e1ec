package dev.wgmesh.deployer.messaging;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.HostHealthReported.Drift;
import dev.wgmesh.common.events.HostHealthReported.Link;
import dev.wgmesh.common.events.HostHealthReported.LinkState;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.deployer.config.DeployerSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The deployer's meters, named as the WireGuard exporters name theirs: per tunnel seen from a host
 * ({@code group}, {@code host}, {@code peer}) {@code wireguard_peer_last_handshake_seconds},
 * {@code wireguard_peer_receive_bytes_total}, {@code wireguard_peer_transmit_bytes_total},
 * {@code wireguard_peer_up}; per host {@code wgmesh_host_drift} (0 in sync, 1 drifted or missing),
 * {@code wgmesh_host_links} and {@code wgmesh_host_links_up}; {@code wgmesh_deploy_seconds},
 * {@code wgmesh_deploys_total{outcome}} and {@code wgmesh_host_looks_total{look}} (brief or full). A
 * host's meters go when this replica stops watching it. A settled host's tunnel values change only with a
 * full look: at least every 5 minutes, and at once when a brief look finds a change.
 * <p>
 * A mesh has a tunnel for every pair of hosts, so per-tunnel meters grow with the square of its size: a
 * 1,000-host mesh would need four million, gigabytes of heap and a scrape no Prometheus wants. So tunnels
 * get their meters only while this replica has fewer than {@code tunnelLimit}, and only once a host
 * reports values for them (not for files read back, whose tunnels are UNKNOWN); every host keeps its
 * per-host counts.
 */
@Component
class DeployerMetrics {

    private static final Logger log = LoggerFactory.getLogger(DeployerMetrics.class);

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
        volatile double links;
        volatile double linksUp;
        final Map<HostName, LinkValues> tunnels = new ConcurrentHashMap<>();
        final List<Meter> meters = new ArrayList<>();
    }

    private final MeterRegistry registry;
    private final int tunnelLimit;
    /** Registered once, not built and looked up again (a new id, a map lookup) for every report and look. */
    private final Map<DeploymentReported.Outcome, Counter> deploys = new EnumMap<>(DeploymentReported.Outcome.class);
    private final Timer deployTime;
    private final Counter briefLooks;
    private final Counter fullLooks;
    private final Map<String, HostValues> hosts = new ConcurrentHashMap<>();
    private final AtomicInteger tunnels = new AtomicInteger();
    private final AtomicBoolean limitLogged = new AtomicBoolean();

    @Autowired
    DeployerMetrics(MeterRegistry registry, DeployerSettings settings) {
        this(registry, settings.tunnelMetricsLimit());
    }

    /** @param tunnelLimit the most tunnels with meters of their own in this replica */
    DeployerMetrics(MeterRegistry registry, int tunnelLimit) {
        this.registry = registry;
        this.tunnelLimit = tunnelLimit;
        for (DeploymentReported.Outcome outcome : DeploymentReported.Outcome.values()) {
            deploys.put(outcome, Counter.builder("wgmesh.deploys").description("host deployments by outcome")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        deployTime = Timer.builder("wgmesh.deploy").description("how long applying one host took").register(registry);
        briefLooks = looks(registry, "brief");
        fullLooks = looks(registry, "full");
    }

    private static Counter looks(MeterRegistry registry, String look) {
        return Counter.builder("wgmesh.host.looks").description("looks at hosts: brief (did anything change?) or full")
                .tag("look", look).register(registry);
    }

    void deployed(DeploymentReported report) {
        deploys.get(report.outcome()).increment();
        deployTime.record(Duration.ofMillis(report.durationMillis()));
    }

    void looked(boolean brief) {
        (brief ? briefLooks : fullLooks).increment();
    }

    void observed(HostHealthReported health) {
        String key = HostConfigRendered.key(health.group(), health.host());
        Tags hostTags = Tags.of("group", health.group().value(), "host", health.host().value());
        HostValues host = hosts.computeIfAbsent(key, k -> {
            HostValues values = new HostValues();
            synchronized (values) {
                values.meters.add(Gauge.builder("wgmesh.host.drift", values, v -> v.drift).tags(hostTags)
                        .description("1 when the host's configs drifted or are missing, else 0").register(registry));
                values.meters.add(Gauge.builder("wgmesh.host.links", values, v -> v.links).tags(hostTags)
                        .description("the tunnels the host should have").register(registry));
                values.meters.add(Gauge.builder("wgmesh.host.links.up", values, v -> v.linksUp).tags(hostTags)
                        .description("the host's tunnels with a handshake within 180 s").register(registry));
            }
            return values;
        });
        host.drift = health.drift() == Drift.DRIFTED || health.drift() == Drift.MISSING ? 1 : 0;
        host.links = health.links().size();
        host.linksUp = health.links().stream().filter(link -> link.state() == LinkState.UP).count();
        for (Link link : health.links()) {
            LinkValues values = link.state() == LinkState.UNKNOWN ? host.tunnels.get(link.peer())
                    : host.tunnels.computeIfAbsent(link.peer(), peer -> register(host, hostTags.and("peer", peer.value())));
            if (values == null) {
                continue;
            }
            values.up = link.state() == LinkState.UP ? 1 : 0;
            // a host that could not be looked at keeps its last handshake and counters (no false counter reset)
            if (link.state() != LinkState.UNKNOWN) {
                values.handshake = link.latestHandshake() == null ? 0 : link.latestHandshake().getEpochSecond();
                values.received = link.rxBytes();
                values.sent = link.txBytes();
            }
        }
    }

    void forgotten(GroupName group, HostName host) {
        HostValues values = hosts.remove(HostConfigRendered.key(group, host));
        if (values != null) {
            synchronized (values) {
                values.meters.forEach(registry::remove);
                tunnels.addAndGet(-values.tunnels.size());
            }
        }
    }

    /** A tunnel's meters, or null (not kept in the host's map) once the replica has {@link #tunnelLimit}. */
    private LinkValues register(HostValues host, Tags tags) {
        if (tunnels.incrementAndGet() > tunnelLimit) {
            tunnels.decrementAndGet();
            if (limitLogged.compareAndSet(false, true)) {
                log.warn("{} tunnels have meters of their own (wgmesh.tunnel-metrics-limit); the others are counted in "
                        + "wgmesh_host_links and wgmesh_host_links_up only", tunnelLimit);
            }
            return null;
        }
        return registerTunnel(host, tags);
    }

    private LinkValues registerTunnel(HostValues host, Tags tags) {
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
