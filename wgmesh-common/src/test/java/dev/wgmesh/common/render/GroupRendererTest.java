package dev.wgmesh.common.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.crypto.PresharedKeys;
import dev.wgmesh.common.crypto.SecretSealer;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.HostOs;
import dev.wgmesh.common.testing.TestGroups;
import dev.wgmesh.common.testing.WireGuardTools;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.SecretKey;
import dev.wgmesh.common.wireguard.WgConfig;
import dev.wgmesh.common.wireguard.WgConfigParser;
import dev.wgmesh.common.wireguard.WgConfigWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupRendererTest {

    private static Map<HostName, HostFiles> render(TestGroups.Keyed keyed) {
        return GroupRenderer.render(keyed.event());
    }

    private static List<Integer> interfaceCounts(Map<HostName, HostFiles> files) {
        return files.values().stream().map(f -> f.interfaces().size()).toList();
    }

    @Test
    void hosterHostsGetOneInterfacePerNetworkTheyBelongTo() {
        assertThat(interfaceCounts(render(TestGroups.keyed("g", 1, TestGroups.spec(TestGroups.hosterJson(4))))))
                .containsExactly(1, 2, 3, 3);
        assertThat(interfaceCounts(render(TestGroups.keyed("g", 1, TestGroups.spec(TestGroups.hosterJson(6))))))
                .containsExactly(1, 2, 3, 4, 5, 5);
        assertThat(interfaceCounts(render(TestGroups.keyed("g", 1, TestGroups.spec(TestGroups.hosterJson(2))))))
                .containsExactly(1, 1);
        assertThat(interfaceCounts(render(TestGroups.keyed("g", 1, TestGroups.spec(TestGroups.hosterJson(1))))))
                .containsExactly(0);
    }

    @Test
    void hosterFollowsTheSeedsLayout() {
        TestGroups.Keyed keyed = TestGroups.keyed("g", 1, TestGroups.spec(TestGroups.hosterJson(4)));
        Map<HostName, HostFiles> files = render(keyed);

        List<WgConfig> first = files.get(HostName.parse("hoster-zima-0101")).interfaces();
        assertThat(first).singleElement().satisfies(own -> {
            assertThat(own.name()).hasToString("wg-zima-0101");
            assertThat(own.addresses()).containsExactly(InterfaceAddress.parse("198.19.1.10/24"));
            assertThat(own.listenPort()).isEqualTo(51821);
            assertThat(own.peers()).extracting(WgConfig.Peer::host)
                    .containsExactly(HostName.parse("hoster-zima-0102"), HostName.parse("hoster-zima-0103"),
                            HostName.parse("hoster-zima-0104"));
            assertThat(own.peers().get(0).allowedIps()).containsExactly(Cidr.parse("198.19.1.11/32"),
                    Cidr.parse("10.10.102.0/24"));
            assertThat(own.peers().get(0).endpoint()).hasToString("192.168.8.162:51821");
            assertThat(own.peers().get(0).publicKey()).isEqualTo(keyed.publicKey("hoster-zima-0102"));
        });
        List<WgConfig> last = files.get(HostName.parse("hoster-zima-0104")).interfaces();
        assertThat(last).extracting(c -> c.name().value()).containsExactly("wg-zima-0101", "wg-zima-0102", "wg-zima-0103");
        assertThat(last).extracting(c -> c.addresses().get(0).toString())
                .containsExactly("198.19.1.13/24", "198.19.2.12/24", "198.19.3.11/24");
        assertThat(last).allSatisfy(c -> assertThat(c.peers()).hasSize(1));
    }

    @Test
    void everyHosterPairSharesExactlyOneWorkingTunnel() {
        for (int n : new int[] {2, 4, 6, 9}) {
            TestGroups.Keyed keyed = TestGroups.keyed("g", 1, TestGroups.spec(TestGroups.hosterJson(n)));
            assertEveryPairHasOneTunnel(keyed, render(keyed));
        }
    }

    @Test
    void meshGivesEveryHostOneWg0WithEveryOtherHostAsPeer() {
        TestGroups.Keyed keyed = TestGroups.keyed("g", 1, TestGroups.spec(TestGroups.meshJson(5)));
        Map<HostName, HostFiles> files = render(keyed);

        assertThat(files).hasSize(5);
        int slot = 1;
        for (HostFiles host : files.values()) {
            WgConfig wg0 = host.interfaces().get(0);
            assertThat(host.interfaces()).hasSize(1);
            assertThat(wg0.name()).hasToString("wg0");
            assertThat(wg0.addresses()).containsExactly(InterfaceAddress.parse("10.99.0." + slot++ + "/16"));
            assertThat(wg0.listenPort()).isEqualTo(51820);
            assertThat(wg0.peers()).hasSize(4).noneMatch(p -> p.host().equals(host.host()));
            assertThat(wg0.peers()).allSatisfy(p -> assertThat(p.persistentKeepalive()).isEqualTo(25));
        }
        assertEveryPairHasOneTunnel(keyed, files);
    }

    @Test
    void theSameInputGivesTheSameFilesAndHashes() {
        TestGroups.Keyed keyed = TestGroups.keyed("g", 1, TestGroups.spec(TestGroups.hosterJson(6)));
        HostGroupKeysGenerated copy = EventJson.read(EventJson.write(keyed.event()), HostGroupKeysGenerated.class);

        Map<HostName, HostFiles> once = render(keyed);

        assertThat(GroupRenderer.render(keyed.event())).isEqualTo(once);
        assertThat(GroupRenderer.render(copy)).isEqualTo(once);
        assertThat(once.values()).extracting(HostFiles::contentHash).doesNotHaveDuplicates()
                .allSatisfy(h -> assertThat(h).matches("sha256:[0-9a-f]{64}"));
    }

    @Test
    void onlyTheChangedHostsHashChanges() {
        HostGroupSpec spec = TestGroups.spec(TestGroups.hosterJson(4));
        TestGroups.Keyed keyed = TestGroups.keyed("g", 1, spec);
        List<Host> hosts = new ArrayList<>(spec.hosts());
        Host second = hosts.get(1);
        hosts.set(1, new Host(second.name(), second.slot(), second.endpoint(), second.internalNetworks(),
                second.tunnelSegment(), second.interfaceSuffix(), HostOs.FREEBSD));

        Map<String, String> before = hashes(render(keyed));
        Map<String, String> after = hashes(render(TestGroups.rekeyed(keyed, 2, spec.withHosts(hosts), Set.of())));

        assertThat(changed(before, after)).containsExactly("hoster-zima-0102");
    }

    @Test
    void aHostsInternalNetworksChangeItsPeersFilesNotItsOwn() {
        HostGroupSpec spec = TestGroups.spec(TestGroups.hosterJson(4));
        TestGroups.Keyed keyed = TestGroups.keyed("g", 1, spec);
        HostGroupSpec changed = TestGroups.spec(TestGroups.hosterJson(4).replace("10.10.103.0/24", "10.10.133.0/24"));

        Map<String, String> before = hashes(render(keyed));
        Map<String, String> after = hashes(render(TestGroups.rekeyed(keyed, 2, changed, Set.of())));

        assertThat(changed(before, after)).containsExactly("hoster-zima-0101", "hoster-zima-0102", "hoster-zima-0104");
    }

    @Test
    void rotatingOneHostChangesEveryFileThatNamesIt() {
        HostGroupSpec spec = TestGroups.spec(TestGroups.hosterJson(4));
        TestGroups.Keyed keyed = TestGroups.keyed("g", 1, spec);
        TestGroups.Keyed rotated = TestGroups.rekeyed(keyed, 2, spec, Set.of(HostName.parse("hoster-zima-0103")));

        Map<String, String> before = hashes(render(keyed));
        Map<String, String> after = hashes(render(rotated));

        assertThat(changed(before, after)).hasSize(4);
        assertThat(rotated.publicKey("hoster-zima-0101")).isEqualTo(keyed.publicKey("hoster-zima-0101"));
        assertThat(rotated.publicKey("hoster-zima-0103")).isNotEqualTo(keyed.publicKey("hoster-zima-0103"));
    }

    @Test
    void theSealedSecretsOpenForTheirHostAndBothEndsDeriveTheSamePresharedKey() {
        TestGroups.Keyed keyed = TestGroups.keyed("prod", 1, TestGroups.spec(TestGroups.hosterJson(3)));
        Map<HostName, HostFiles> files = render(keyed);
        HostName first = HostName.parse("hoster-zima-0101");
        HostName third = HostName.parse("hoster-zima-0103");
        HostFiles firstFiles = files.get(first);
        HostFiles thirdFiles = files.get(third);

        SecretKey firstKey = SecretSealer.open(firstFiles.privateKey(), TestGroups.DEPLOYER.privateKey(),
                HostKeys.privateKeyContext(keyed.event().group(), first));
        SecretKey thirdKey = SecretSealer.open(thirdFiles.privateKey(), TestGroups.DEPLOYER.privateKey(),
                HostKeys.privateKeyContext(keyed.event().group(), third));
        SecretKey seed = SecretSealer.open(firstFiles.presharedKeySeed(), TestGroups.DEPLOYER.privateKey(),
                HostKeys.presharedKeySeedContext(keyed.event().group()));
        assertThat(firstKey).isEqualTo(keyed.keys().get(first).privateKey());
        assertThat(seed).isEqualTo(keyed.seed());

        // host 1's file for network 1 and host 3's file for network 1 name the same pair's preshared key
        String firstText = WgConfigWriter.write(firstFiles.interfaces().get(0), firstKey,
                peer -> PresharedKeys.derive(seed, keyed.publicKey("hoster-zima-0101"), peer));
        String thirdText = WgConfigWriter.write(thirdFiles.interfaces().get(0), thirdKey,
                peer -> PresharedKeys.derive(seed, keyed.publicKey("hoster-zima-0103"), peer));
        SecretKey firstSide = WgConfigParser.parse(firstText).peers().get(1).presharedKey();
        SecretKey thirdSide = WgConfigParser.parse(thirdText).peers().get(0).presharedKey();
        assertThat(firstSide).isNotNull().isEqualTo(thirdSide);
        assertThat(files.toString()).doesNotContain(firstKey.base64()).doesNotContain(seed.base64());
    }

    @Test
    void withoutPresharedKeysThereIsNoSeed() {
        String json = TestGroups.hosterJson(3).replace("{\"hosts\"", "{\"presharedKeys\": false, \"hosts\"");
        Map<HostName, HostFiles> files = render(TestGroups.keyed("g", 1, TestGroups.spec(json)));

        assertThat(files.values()).allSatisfy(f -> {
            assertThat(f.presharedKeySeed()).isNull();
            assertThat(f.interfaces()).allSatisfy(c -> assertThat(c.peers()).noneMatch(WgConfig.Peer::presharedKey));
        });
    }

    @Test
    void everyRenderedFilePassesTheRealTools(@TempDir Path dir) throws Exception {
        WireGuardTools.assumeAvailable();
        TestGroups.Keyed keyed = TestGroups.keyed("prod", 1, TestGroups.spec(TestGroups.hosterJson(4)));
        for (HostFiles host : render(keyed).values()) {
            SecretKey key = keyed.keys().get(host.host()).privateKey();
            for (WgConfig config : host.interfaces()) {
                Path file = dir.resolve(config.name().fileName());
                Files.writeString(file, WgConfigWriter.write(config, key,
                        peer -> PresharedKeys.derive(keyed.seed(), keyed.keys().get(host.host()).publicKey(), peer)));
                WireGuardTools.setconf(file);
            }
        }
    }

    /** Both ends of every pair have an interface of the same name that lists the other, with matching ports and addresses. */
    private static void assertEveryPairHasOneTunnel(TestGroups.Keyed keyed, Map<HostName, HostFiles> files) {
        List<HostFiles> hosts = new ArrayList<>(files.values());
        for (HostFiles host : hosts) {
            assertThat(host.interfaces()).extracting(WgConfig::listenPort).doesNotHaveDuplicates();
            assertThat(host.interfaces()).extracting(WgConfig::name).doesNotHaveDuplicates();
        }
        for (int i = 0; i < hosts.size(); i++) {
            for (int j = i + 1; j < hosts.size(); j++) {
                HostFiles a = hosts.get(i);
                HostFiles b = hosts.get(j);
                List<String> tunnels = new ArrayList<>();
                for (WgConfig mine : a.interfaces()) {
                    WgConfig.Peer toB = peer(mine, keyed.keys().get(b.host()).publicKey().base64());
                    if (toB == null) {
                        continue;
                    }
                    WgConfig theirs = b.interfaces().stream().filter(c -> c.name().equals(mine.name())).findFirst()
                            .orElseThrow(() -> new AssertionError(b.host() + " has no " + mine.name()));
                    WgConfig.Peer toA = peer(theirs, keyed.keys().get(a.host()).publicKey().base64());
                    assertThat(toA).as("%s lists %s on %s", b.host(), a.host(), mine.name()).isNotNull();
                    assertThat(toB.endpoint().port()).isEqualTo(theirs.listenPort());
                    assertThat(toA.endpoint().port()).isEqualTo(mine.listenPort());
                    assertThat(toB.allowedIps()).contains(theirs.addresses().get(0).asHostRoute());
                    assertThat(toA.allowedIps()).contains(mine.addresses().get(0).asHostRoute());
                    assertThat(mine.addresses().get(0).network()).isEqualTo(theirs.addresses().get(0).network());
                    assertThat(mine.addresses().get(0)).isNotEqualTo(theirs.addresses().get(0));
                    tunnels.add(mine.name().value());
                }
                assertThat(tunnels).as("tunnels between %s and %s", a.host(), b.host()).hasSize(1);
            }
        }
    }

    private static WgConfig.Peer peer(WgConfig config, String publicKey) {
        return config.peers().stream().filter(p -> p.publicKey().base64().equals(publicKey)).findFirst().orElse(null);
    }

    private static Map<String, String> hashes(Map<HostName, HostFiles> files) {
        return files.values().stream().collect(Collectors.toMap(f -> f.host().value(), HostFiles::contentHash));
    }

    private static List<String> changed(Map<String, String> before, Map<String, String> after) {
        return before.keySet().stream().filter(h -> !before.get(h).equals(after.get(h))).sorted().toList();
    }
}
