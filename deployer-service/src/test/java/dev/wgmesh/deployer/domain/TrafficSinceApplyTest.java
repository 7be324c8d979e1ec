package dev.wgmesh.deployer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.HostHealthReported.Link;
import dev.wgmesh.common.events.HostHealthReported.LinkState;
import dev.wgmesh.common.group.HostName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficSinceApplyTest {

    private static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");
    private static final HostName H2 = HostName.parse("h2");
    private static final HostName H3 = HostName.parse("h3");

    private static Instant at(int observation) {
        return T0.plus(Duration.ofSeconds(30L * observation));
    }

    private static Link link(HostName peer, LinkState state, long rxBytes) {
        return new Link(peer, state, null, rxBytes, 0, null);
    }

    /** Each observation in turn from right after an apply; returns the links as the last one reports them. */
    private static List<Link> observe(List<List<Link>> observations) {
        TrafficSinceApply traffic = TrafficSinceApply.NONE;
        List<Link> marked = List.of();
        for (int i = 0; i < observations.size(); i++) {
            traffic = traffic.observed(observations.get(i), at(i));
            marked = traffic.mark(observations.get(i));
        }
        return marked;
    }

    private static List<Instant> received(List<Link> links) {
        return links.stream().map(Link::receivedAfterApplyAt).toList();
    }

    @Test
    void theFirstObservationAfterAnApplyOnlySetsTheBaseline() {
        List<Link> links = observe(List.of(List.of(link(H2, LinkState.UP, 5000), link(H3, LinkState.UP, 0))));

        assertThat(received(links)).containsOnlyNulls().hasSize(2);
        assertThat(links.get(0).rxBytes()).isEqualTo(5000);
    }

    @Test
    void theFirstObservationWithMoreBytesIsKeptWhateverFollows() {
        List<Link> links = observe(List.of(
                List.of(link(H2, LinkState.UP, 1000), link(H3, LinkState.NEVER, 0)),
                List.of(link(H2, LinkState.UP, 1200), link(H3, LinkState.NEVER, 0)),
                List.of(link(H2, LinkState.UP, 1200), link(H3, LinkState.UP, 300)),
                List.of(link(H2, LinkState.DOWN, 1200), link(H3, LinkState.UP, 900))));

        assertThat(received(links)).containsExactly(at(1), at(2));
    }

    @Test
    void fewerBytesThanBeforeAreOnlyTheNewBaseline() {
        // the interface was re-created, its counters start over
        List<Link> links = observe(List.of(
                List.of(link(H2, LinkState.UP, 5000)),
                List.of(link(H2, LinkState.UP, 40))));
        assertThat(received(links)).containsOnlyNulls().hasSize(1);

        links = observe(List.of(
                List.of(link(H2, LinkState.UP, 5000)),
                List.of(link(H2, LinkState.UP, 40)),
                List.of(link(H2, LinkState.UP, 41))));
        assertThat(received(links)).containsExactly(at(2));
    }

    @Test
    void unknownLinksNeitherCountNorResetTheBaseline() {
        List<Link> fileTarget = observe(List.of(
                List.of(link(H2, LinkState.UNKNOWN, 0)),
                List.of(link(H2, LinkState.UNKNOWN, 7000))));
        assertThat(received(fileTarget)).containsOnlyNulls().hasSize(1);

        // a look that failed in between reports zero bytes: the next one is measured against 5000, not 0
        List<Link> lookFailed = observe(List.of(
                List.of(link(H2, LinkState.UP, 5000)),
                List.of(link(H2, LinkState.UNKNOWN, 0)),
                List.of(link(H2, LinkState.UP, 5000))));
        assertThat(received(lookFailed)).containsOnlyNulls().hasSize(1);
    }

    @Test
    void aHostThatReceivedKeepsSayingSoWhileItCannotBeLookedAt() {
        List<Link> links = observe(List.of(
                List.of(link(H2, LinkState.UP, 1000)),
                List.of(link(H2, LinkState.UP, 2000)),
                List.of(link(H2, LinkState.UNKNOWN, 0))));

        assertThat(received(links)).containsExactly(at(1));
        assertThat(links.get(0).state()).isEqualTo(LinkState.UNKNOWN);
    }
}
