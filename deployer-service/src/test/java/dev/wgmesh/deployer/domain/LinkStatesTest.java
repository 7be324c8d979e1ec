package dev.wgmesh.deployer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostHealthReported.Link;
import dev.wgmesh.common.events.HostHealthReported.LinkState;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.deployer.TestGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkStatesTest {

    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private static final Instant LONG_AGO = NOW.minus(Duration.ofHours(1));

    private static long secondsAgo(long seconds) {
        return NOW.getEpochSecond() - seconds;
    }

    @Test
    void aHandshakeWithin180SecondsIsUp() {
        assertThat(LinkStates.state(secondsAgo(0), true, NOW, LONG_AGO)).isEqualTo(LinkState.UP);
        assertThat(LinkStates.state(secondsAgo(180), true, NOW, LONG_AGO)).isEqualTo(LinkState.UP);
        assertThat(LinkStates.state(secondsAgo(179), false, NOW, NOW)).isEqualTo(LinkState.UP);
    }

    @Test
    void anOlderHandshakeIsDownWhenKeepalivesShouldHaveRenewedItAndStaleOnAnIdleTunnel() {
        assertThat(LinkStates.state(secondsAgo(181), true, NOW, LONG_AGO)).isEqualTo(LinkState.DOWN);
        // it had a handshake before: a session that keepalives keep was not renewed, whenever the configs came
        assertThat(LinkStates.state(secondsAgo(181), true, NOW, NOW)).isEqualTo(LinkState.DOWN);
        assertThat(LinkStates.state(secondsAgo(3600), false, NOW, LONG_AGO)).isEqualTo(LinkState.STALE);
    }

    @Test
    void noHandshakeIsNeverUntilOneWasDueThenDown() {
        Instant justApplied = NOW.minusSeconds(30);
        Instant atTheEdge = NOW.minus(LinkStates.HANDSHAKE_WINDOW).minus(LinkStates.GRACE);

        assertThat(LinkStates.state(0, true, NOW, justApplied)).isEqualTo(LinkState.NEVER);
        assertThat(LinkStates.state(0, true, NOW, atTheEdge)).isEqualTo(LinkState.NEVER);
        assertThat(LinkStates.state(0, true, NOW, atTheEdge.minusSeconds(1))).isEqualTo(LinkState.DOWN);
        assertThat(LinkStates.state(0, false, NOW, LONG_AGO)).isEqualTo(LinkState.NEVER);
    }

    @Test
    void eachDeclaredPeerIsALinkNamedByItsHostWithWhatRuns() throws Exception {
        TestGroup group = new TestGroup("g1", 3);
        HostConfigRendered h2 = group.render(1).get(group.host(2));
        SecretFiller.Filled filled = new SecretFiller(List.of(TestGroup.DEPLOYER.privateKey())).fill(h2, null);
        DesiredFiles files = filled.files();
        ExpectedHost expected = filled.expected();
        List<String> lines = new ArrayList<>(RunningHost.status(files, secondsAgo(10)));
        // h1's tunnel roamed; h3's peer was taken away by hand
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("peer\twg-1")) {
                String[] fields = lines.get(i).split("\t");
                fields[4] = "203.0.113.9:4444";
                lines.set(i, String.join("\t", fields));
            }
        }
        lines.removeIf(line -> line.startsWith("peer\twg-2"));

        List<Link> links = LinkStates.of(expected, StatusParser.parse(RunningHost.text(lines)), NOW, LONG_AGO);

        assertThat(links).extracting(l -> l.peer().value()).containsExactly("h1", "h3");
        Link h1 = links.get(0);
        assertThat(h1.state()).isEqualTo(LinkState.UP);
        assertThat(h1.latestHandshake()).isEqualTo(Instant.ofEpochSecond(secondsAgo(10)));
        assertThat(h1.rxBytes()).isEqualTo(1000);
        assertThat(h1.txBytes()).isEqualTo(2000);
        assertThat(h1.endpoint()).isEqualTo(Endpoint.parse("203.0.113.9:4444"));
        assertThat(links.get(1).state()).isEqualTo(LinkState.DOWN);
        assertThat(links.get(1).latestHandshake()).isNull();
    }

    @Test
    void readFilesSayNothingOfTunnels() throws Exception {
        TestGroup group = new TestGroup("g1", 2);
        HostConfigRendered h1 = group.render(1).get(group.host(1));
        SecretFiller.Filled filled = new SecretFiller(List.of(TestGroup.DEPLOYER.privateKey())).fill(h1, null);
        DesiredFiles files = filled.files();
        HostObservation filesOnly = new HostObservation(StatusParser.parse(RunningHost.text(
                RunningHost.status(files, 0))).interfaces(), false);

        assertThat(LinkStates.of(filled.expected(), filesOnly, NOW, LONG_AGO))
                .singleElement().satisfies(link -> assertThat(link.state()).isEqualTo(LinkState.UNKNOWN));
    }
}
