package dev.wgmesh.deployer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.HostHealthReported.Drift;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.deployer.TestGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** A host of a 3-host hoster group (h2: wg-1 as a member, wg-2 as the owner of h3's tunnel) and a mesh host. */
class DriftCheckTest {

    private static final SecretFiller FILLER = new SecretFiller(List.of(TestGroup.DEPLOYER.privateKey()));

    private final TestGroup group = new TestGroup("g1", 3);
    private final HostConfigRendered h2 = group.render(1).get(group.host(2));
    private final SecretFiller.Filled filled = fill(h2, null);
    private final DesiredFiles files = filled.files();
    private final ExpectedHost expected = filled.expected();

    private static SecretFiller.Filled fill(HostConfigRendered rendered, MeshPeersRendered table) {
        try {
            return FILLER.fill(rendered, table);
        } catch (DeployFailure e) {
            throw new AssertionError(e);
        }
    }

    private DriftCheck.Result check(UnaryOperator<List<String>> change) {
        List<String> lines = new ArrayList<>(RunningHost.status(files, 1_700_000_000L));
        return DriftCheck.compare(expected, StatusParser.parse(RunningHost.text(change.apply(lines))));
    }

    /** Replaces field {@code field} (0-based) of the first line starting with {@code prefix}. */
    private static UnaryOperator<List<String>> set(String prefix, int field, String value) {
        return lines -> {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix)) {
                    String[] fields = lines.get(i).split("\t", -1);
                    fields[field] = value;
                    lines.set(i, String.join("\t", fields));
                    return lines;
                }
            }
            throw new AssertionError("no line starts with " + prefix);
        };
    }

    private static UnaryOperator<List<String>> drop(String prefix) {
        return lines -> {
            lines.removeIf(line -> line.startsWith(prefix));
            return lines;
        };
    }

    @Test
    void aHostThatRunsItsFilesIsInSync() {
        DriftCheck.Result result = check(lines -> lines);

        assertThat(result.drift()).isEqualTo(Drift.IN_SYNC);
        assertThat(result.differences()).isEmpty();
    }

    @Test
    void aRoamedEndpointPeerOrderAndAllowedIpsOrderAreNotDrift() {
        DriftCheck.Result result = check(lines -> {
            set("peer\twg-2", 4, "203.0.113.77:40000").apply(lines);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("peer\t")) {
                    String[] fields = lines.get(i).split("\t", -1);
                    List<String> ips = new ArrayList<>(List.of(fields[5].split(",")));
                    Collections.reverse(ips);
                    fields[5] = String.join(",", ips);
                    lines.set(i, String.join("\t", fields));
                }
            }
            return lines;
        });

        assertThat(result.drift()).isEqualTo(Drift.IN_SYNC);
    }

    @Test
    void aMeshHostWithItsPeersInAnotherOrderIsInSync() {
        TestGroup mesh = TestGroup.mesh("m", 5);
        MeshPeersRendered table = mesh.peerTable(1);
        HostConfigRendered m1 = mesh.renderNamingPeerTable(1).get(mesh.host(1));
        SecretFiller.Filled meshFilled = fill(m1, table);
        DesiredFiles meshFiles = meshFilled.files();
        ExpectedHost meshExpected = meshFilled.expected();
        List<String> lines = new ArrayList<>(RunningHost.status(meshFiles, 0));
        List<String> peers = new ArrayList<>(lines.stream().filter(l -> l.startsWith("peer\t")).toList());
        lines.removeAll(peers);
        Collections.reverse(peers);
        lines.addAll(lines.size() - 1, peers);

        DriftCheck.Result result = DriftCheck.compare(meshExpected, StatusParser.parse(RunningHost.text(lines)));

        assertThat(result.drift()).isEqualTo(Drift.IN_SYNC);
    }

    @Test
    void aDeletedInterfaceIsMissing() {
        DriftCheck.Result result = check(lines -> {
            drop("peer\twg-2").apply(lines);
            drop("address\twg-2").apply(lines);
            set("interface\twg-2", 2, "missing").apply(lines);
            set("interface\twg-2", 3, "-").apply(lines);
            return lines;
        });

        assertThat(result.drift()).isEqualTo(Drift.MISSING);
        assertThat(result.differences()).containsExactly("wg-2: interface missing");
    }

    @Test
    void aDeletedFileIsMissingAndAnEditedOneDrifted() {
        assertThat(check(set("file\twg-1", 2, "missing")).differences()).containsExactly("wg-1: file missing");
        assertThat(check(set("file\twg-1", 2, "missing")).drift()).isEqualTo(Drift.MISSING);
        DriftCheck.Result edited = check(set("file\twg-1", 2, "0".repeat(64)));
        assertThat(edited.drift()).isEqualTo(Drift.DRIFTED);
        assertThat(edited.differences()).containsExactly("wg-1: file differs from the declared one");
    }

    @Test
    void anInterfaceNobodyListsAsGoneIsMissingAndOneThatIsDownDrifted() {
        assertThat(check(lines -> new ArrayList<>(List.of(lines.get(0), "end"))))
                .satisfies(r -> {
                    assertThat(r.drift()).isEqualTo(Drift.MISSING);
                    assertThat(r.differences()).containsExactly("wg-1: interface missing", "wg-2: interface missing");
                });
        assertThat(check(set("interface\twg-1", 2, "down")).differences()).containsExactly("wg-1: interface down");
    }

    @Test
    void aChangedListenPortSaysBothValues() {
        int declared = h2.interfaces().stream().filter(c -> c.name().value().equals("wg-2")).findFirst().orElseThrow()
                .listenPort();

        DriftCheck.Result result = check(set("interface\twg-2", 3, "51999"));

        assertThat(result.drift()).isEqualTo(Drift.DRIFTED);
        assertThat(result.differences()).containsExactly("wg-2: listen port 51999, declared " + declared);
    }

    @Test
    void aPeerRemovedByHandIsNamedByItsHost() {
        DriftCheck.Result result = check(drop("peer\twg-2"));

        assertThat(result.differences()).containsExactly("wg-2: peer h3 missing");
    }

    @Test
    void aPeerAddedByHandIsNamedByItsKeyIdNeverItsKey() {
        String intruder = "c2Vjb25kIGtleSBvZiBleGFjdGx5IDMyIGJ5dGVzISE=";

        DriftCheck.Result result = check(lines -> {
            lines.add(lines.size() - 1, String.join("\t", "peer", "wg-2", intruder, "none", "none",
                    "0.0.0.0/0", "0", "0", "0", "off"));
            return lines;
        });

        assertThat(result.drift()).isEqualTo(Drift.DRIFTED);
        assertThat(result.differences()).singleElement().satisfies(d ->
                assertThat(d).startsWith("wg-2: peer with key id ").endsWith(" not declared").doesNotContain(intruder));
    }

    @Test
    void changedAllowedIpsKeepaliveMtuAddressAndKeysAreEachNamed() {
        DriftCheck.Result result = check(lines -> {
            set("peer\twg-2", 5, "0.0.0.0/0").apply(lines);
            set("peer\twg-2", 9, "off").apply(lines);
            set("interface\twg-1", 5, "1280").apply(lines);
            set("address\twg-1", 2, "198.19.1.99/24").apply(lines);
            set("peer\twg-1", 3, "f".repeat(64)).apply(lines);
            set("interface\twg-2", 4, "c2Vjb25kIGtleSBvZiBleGFjdGx5IDMyIGJ5dGVzISE=").apply(lines);
            return lines;
        });

        assertThat(result.drift()).isEqualTo(Drift.DRIFTED);
        assertThat(result.differences()).containsExactlyInAnyOrder(
                "wg-1: MTU 1280, declared 1420",
                "wg-1: address 198.19.1.2/24 missing",
                "wg-1: address 198.19.1.99/24 not declared",
                "wg-1: peer h1 preshared key differs from the declared one",
                "wg-2: private key differs from the declared one",
                "wg-2: peer h3 allowed IPs 0.0.0.0/0, declared 10.3.0.0/16, 198.19.2.2/32",
                "wg-2: peer h3 persistent keepalive off, declared 25");
        assertThat(String.join("\n", result.differences())).doesNotContainPattern("[A-Za-z0-9+/]{40,}");
    }

    @Test
    void aPresharedKeyRemovedOrAddedIsSaidSo() {
        assertThat(check(set("peer\twg-2", 3, "none")).differences())
                .containsExactly("wg-2: peer h3 has no preshared key, one is declared");
    }

    @Test
    void anInterfaceOfTheGroupThatIsNotDeclaredIsDrift() {
        DriftCheck.Result result = check(lines -> {
            lines.add(lines.size() - 1, "interface\twg-9\tup\t51829\t-\t-");
            return lines;
        });

        assertThat(result.differences()).containsExactly("wg-9: interface not declared");
    }

    @Test
    void aHostThatDiffersEverywhereIsSummedUp() {
        TestGroup big = TestGroup.mesh("big", 40);
        MeshPeersRendered table = big.peerTable(1);
        HostConfigRendered m1 = big.renderNamingPeerTable(1).get(big.host(1));
        SecretFiller.Filled meshFilled = fill(m1, table);
        DesiredFiles meshFiles = meshFilled.files();
        ExpectedHost meshExpected = meshFilled.expected();
        List<String> lines = new ArrayList<>(RunningHost.status(meshFiles, 0));
        lines.removeIf(line -> line.startsWith("peer\t"));

        DriftCheck.Result result = DriftCheck.compare(meshExpected, StatusParser.parse(RunningHost.text(lines)));

        assertThat(result.differences()).hasSize(HostHealthReported.MAX_DIFFERENCES)
                .last().isEqualTo("and 20 more differences");
    }
}
