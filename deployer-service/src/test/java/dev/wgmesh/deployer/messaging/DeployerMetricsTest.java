package dev.wgmesh.deployer.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.DeploymentReported.Outcome;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.HostHealthReported.Drift;
import dev.wgmesh.common.events.HostHealthReported.Link;
import dev.wgmesh.common.events.HostHealthReported.LinkState;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The deployer's meters as Prometheus scrapes them: names, labels and real values, and the tunnel limit. */
class DeployerMetricsTest {

    private static final GroupName GROUP = GroupName.parse("lab");
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Test
    void aHostsTunnelsAreScrapedAsTheWireGuardExportersNameThem() {
        DeployerMetrics metrics = new DeployerMetrics(registry, 100);
        metrics.observed(health("a", Drift.IN_SYNC, List.of(
                new Link(HostName.parse("b"), LinkState.UP, NOW.minusSeconds(20), 1500, 2500, null),
                new Link(HostName.parse("c"), LinkState.NEVER, null, 0, 0, null))));
        metrics.deployed(new DeploymentReported(UUID.randomUUID(), GROUP, 3, NOW, UUID.randomUUID(),
                HostName.parse("a"), Outcome.APPLIED, null, "hash", "deployer-1", 250));

        String scrape = registry.scrape();

        assertThat(scrape).contains(
                "wireguard_peer_last_handshake_seconds{group=\"lab\",host=\"a\",peer=\"b\"} " + (double) NOW.minusSeconds(20)
                        .getEpochSecond(),
                "wireguard_peer_receive_bytes_total{group=\"lab\",host=\"a\",peer=\"b\"} 1500.0",
                "wireguard_peer_transmit_bytes_total{group=\"lab\",host=\"a\",peer=\"b\"} 2500.0",
                "wireguard_peer_up{group=\"lab\",host=\"a\",peer=\"b\"} 1.0",
                "wireguard_peer_up{group=\"lab\",host=\"a\",peer=\"c\"} 0.0",
                "wgmesh_host_drift{group=\"lab\",host=\"a\"} 0.0",
                "wgmesh_host_links{group=\"lab\",host=\"a\"} 2.0",
                "wgmesh_host_links_up{group=\"lab\",host=\"a\"} 1.0",
                "wgmesh_deploys_total{outcome=\"applied\"} 1.0",
                "wgmesh_deploy_seconds_count 1",
                "wgmesh_deploy_seconds_sum 0.25");
    }

    @Test
    void aDriftedHostAndALookThatFailedKeepTheLastCounters() {
        DeployerMetrics metrics = new DeployerMetrics(registry, 100);
        metrics.observed(health("a", Drift.IN_SYNC, List.of(new Link(HostName.parse("b"), LinkState.UP, NOW, 900, 800, null))));
        metrics.observed(health("a", Drift.DRIFTED, List.of(new Link(HostName.parse("b"), LinkState.UNKNOWN, null, 0, 0, null))));

        assertThat(registry.scrape()).contains(
                "wgmesh_host_drift{group=\"lab\",host=\"a\"} 1.0",
                "wireguard_peer_up{group=\"lab\",host=\"a\",peer=\"b\"} 0.0",
                "wireguard_peer_receive_bytes_total{group=\"lab\",host=\"a\",peer=\"b\"} 900.0",
                "wgmesh_host_links_up{group=\"lab\",host=\"a\"} 0.0");
    }

    @Test
    void filesReadBackGetNoTunnelMeters() {
        DeployerMetrics metrics = new DeployerMetrics(registry, 100);
        metrics.observed(health("a", Drift.IN_SYNC, links(3, LinkState.UNKNOWN)));

        assertThat(registry.scrape()).doesNotContain("wireguard_peer").contains(
                "wgmesh_host_links{group=\"lab\",host=\"a\"} 3.0", "wgmesh_host_links_up{group=\"lab\",host=\"a\"} 0.0");
    }

    @Test
    void beyondTheLimitTunnelsAreCountedPerHostOnlyUntilAHostIsForgotten() {
        DeployerMetrics metrics = new DeployerMetrics(registry, 5);
        metrics.observed(health("a", Drift.IN_SYNC, links(3, LinkState.UP)));
        metrics.observed(health("b", Drift.IN_SYNC, links(3, LinkState.UP)));

        String scrape = registry.scrape();
        assertThat(scrape.lines().filter(l -> l.startsWith("wireguard_peer_up{"))).hasSize(5);
        assertThat(scrape).contains("wgmesh_host_links_up{group=\"lab\",host=\"b\"} 3.0");

        metrics.forgotten(GROUP, HostName.parse("a"));
        metrics.observed(health("b", Drift.IN_SYNC, links(3, LinkState.UP)));

        scrape = registry.scrape();
        assertThat(scrape).doesNotContain("host=\"a\"");
        assertThat(scrape.lines().filter(l -> l.startsWith("wireguard_peer_up{group=\"lab\",host=\"b\""))).hasSize(3);
    }

    private static List<Link> links(int count, LinkState state) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> new Link(HostName.parse("peer-" + i), state,
                state == LinkState.UP ? NOW : null, 0, 0, null)).toList();
    }

    private static HostHealthReported health(String host, Drift drift, List<Link> links) {
        return new HostHealthReported(UUID.randomUUID(), GROUP, 3, NOW, UUID.randomUUID(), HostName.parse(host),
                "deployer-1", NOW, drift, drift == Drift.IN_SYNC ? List.of() : List.of("wg0: a peer differs"), links);
    }
}
