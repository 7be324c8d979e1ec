package dev.wgmesh.renderer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.Topology;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.render.HostFiles;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.WgConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The topology rules, checked on what the renderer makes of the test groups. */
class TopologyTest {

    @Test
    void hosterHostsHaveOneInterfacePerEarlierHostPlusTheirOwnNetwork() {
        assertThat(interfaceCounts(render("hoster-4"))).containsExactly(1, 2, 3, 3);
        assertThat(interfaceCounts(render("hoster-6"))).containsExactly(1, 2, 3, 4, 5, 5);
    }

    @Test
    void hosterNetworksAreNamedByTheirOwnerOnEveryMember() {
        Map<HostName, HostFiles> four = render("hoster-4");
        assertThat(names(four.get(new HostName("hoster-node-04")))).containsExactly("wg-node-01", "wg-node-02", "wg-node-03");
        assertThat(names(four.get(new HostName("hoster-node-02")))).containsExactly("wg-node-01", "wg-node-02");
        Map<HostName, HostFiles> six = render("hoster-6");
        assertThat(names(six.get(new HostName("hoster-node-06")))).containsExactly("wg-1", "wg-2", "wg-3", "wg-4", "wg-5");
        assertThat(names(six.get(new HostName("hoster-node-01")))).containsExactly("wg-1");
    }

    @Test
    void hosterAddressesAreTheOwnersSegmentPlusTheSlotDistanceAndPortsTheEndpointPortPlusOwnerSlotMinusOne() {
        Map<HostName, HostFiles> six = render("hoster-6");
        WgConfig wg2OnHost5 = iface(six.get(new HostName("hoster-node-05")), "wg-2");
        assertThat(wg2OnHost5.addresses()).containsExactly(InterfaceAddress.parse("10.202.0.4/24"));
        assertThat(wg2OnHost5.listenPort()).isEqualTo(51821);
        WgConfig wg2OnHost2 = iface(six.get(new HostName("hoster-node-02")), "wg-2");
        assertThat(wg2OnHost2.addresses()).containsExactly(InterfaceAddress.parse("10.202.0.1/24"));
        assertThat(wg2OnHost2.peers()).hasSize(4);
    }

    @Test
    void meshHostsHaveOneInterfaceWg0WithEveryOtherHostAsPeer() {
        Map<HostName, HostFiles> mesh = render("mesh-4");
        for (HostFiles files : mesh.values()) {
            assertThat(names(files)).containsExactly("wg0");
            assertThat(files.interfaces().get(0).peers()).hasSize(mesh.size() - 1)
                    .noneMatch(p -> p.host().equals(files.host()));
        }
        assertThat(iface(mesh.get(new HostName("charlie")), "wg0").addresses())
                .containsExactly(InterfaceAddress.parse("10.99.0.3/16"));
        assertThat(iface(mesh.get(new HostName("bravo")), "wg0").listenPort()).isEqualTo(51830);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hoster-4", "hoster-6", "mesh-4"})
    void everyPairOfHostsSharesExactlyOneMatchingTunnel(String group) {
        HostGroupSpec spec = FixedKeyGroups.spec(group);
        Map<HostName, HostFiles> files = render(spec, group);
        checkPairs(new GroupName(group), spec, files);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hoster-4", "hoster-6", "mesh-4"})
    void interfacesOfOneHostNeverShareANameAPortOrARoute(String group) {
        for (HostFiles files : render(group).values()) {
            assertThat(files.interfaces()).extracting(c -> c.name().value())
                    .doesNotHaveDuplicates().allMatch(name -> name.length() <= 15);
            assertThat(files.interfaces()).extracting(WgConfig::listenPort).doesNotHaveDuplicates();
            // one route per destination: no network is allowed through two peers of one host
            List<Cidr> allowed = files.interfaces().stream().flatMap(c -> c.peers().stream())
                    .flatMap(p -> p.allowedIps().stream()).toList();
            assertThat(allowed).as("AllowedIPs on %s", files.host()).doesNotHaveDuplicates();
            for (int i = 0; i < allowed.size(); i++) {
                for (int j = i + 1; j < allowed.size(); j++) {
                    assertThat(allowed.get(i).overlaps(allowed.get(j))).as("%s overlaps %s on %s", allowed.get(i),
                            allowed.get(j), files.host()).isFalse();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hoster-4", "hoster-6", "mesh-4"})
    void aPeersAllowedIpsAreItsTunnelAddressAndItsInternalNetworks(String group) {
        HostGroupSpec spec = FixedKeyGroups.spec(group);
        for (HostFiles files : render(spec, group).values()) {
            for (WgConfig config : files.interfaces()) {
                for (WgConfig.Peer peer : config.peers()) {
                    Host other = spec.host(peer.host()).orElseThrow();
                    assertThat(peer.allowedIps()).hasSize(1 + other.internalNetworks().size())
                            .endsWith(other.internalNetworks().toArray(Cidr[]::new));
                    assertThat(peer.allowedIps().get(0).prefix()).isEqualTo(32);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hoster-6", "mesh-4"})
    void addingAHostLeavesEveryOtherHostsNamesAddressesAndPortsAlone(String group) {
        HostGroupSpec spec = FixedKeyGroups.spec(group);
        Host last = spec.hosts().get(spec.hosts().size() - 1);
        Host added = new Host(new HostName("added-host"), last.slot() + 1, new Endpoint("192.0.2.99", 51820),
                List.of(Cidr.parse("10.77.0.0/24")),
                last.tunnelSegment() == null ? null : InterfaceAddress.parse("10.207.0.1/24"), null, null);
        List<Host> hosts = new ArrayList<>(spec.hosts());
        hosts.add(added);
        HostGroupSpec grown = spec.withHosts(hosts);
        Map<HostName, HostFiles> before = render(spec, group);
        Map<HostName, HostFiles> after = render(grown, group);
        before.values().forEach(files -> assertKept(files, after.get(files.host())));
        checkPairs(new GroupName(group), grown, after);
        if (spec.topology() == Topology.HOSTER) {
            assertThat(interfaceCounts(after)).containsExactly(1, 2, 3, 4, 5, 6, 6);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hoster-6", "mesh-4"})
    void removingAHostLeavesEveryOtherHostsNamesAddressesAndPortsAlone(String group) {
        HostGroupSpec spec = FixedKeyGroups.spec(group);
        Host removed = spec.hosts().get(2);
        HostGroupSpec shrunk = spec.withHosts(spec.hosts().stream().filter(h -> h != removed).toList());
        Map<HostName, HostFiles> before = render(spec, group);
        Map<HostName, HostFiles> after = render(shrunk, group);
        assertThat(after).doesNotContainKey(removed.name());
        for (HostFiles files : after.values()) {
            // every interface left is one the host had, unchanged but for the peers that left
            assertKept(files, before.get(files.host()));
            assertThat(files.interfaces()).allMatch(c -> c.peers().stream().noneMatch(p -> p.host().equals(removed.name())));
        }
        checkPairs(new GroupName(group), shrunk, after);
        if (spec.topology() == Topology.HOSTER) {
            assertThat(interfaceCounts(after)).containsExactly(1, 2, 3, 4, 4);
        }
    }

    /** Every interface of {@code from} is in {@code in} with the same name, addresses and listen port. */
    private static void assertKept(HostFiles from, HostFiles in) {
        for (WgConfig config : from.interfaces()) {
            WgConfig kept = iface(in, config.name().value());
            assertThat(kept.addresses()).as("%s %s", from.host(), config.name()).isEqualTo(config.addresses());
            assertThat(kept.listenPort()).as("%s %s", from.host(), config.name()).isEqualTo(config.listenPort());
        }
    }

    /**
     * For every pair A, B: exactly one interface on A lists B and exactly one on B lists A, with the same
     * name; A dials B's endpoint address on the port B listens on there, and routes B's address there.
     */
    private static void checkPairs(GroupName group, HostGroupSpec spec, Map<HostName, HostFiles> files) {
        Set<String> networks = new HashSet<>();
        for (Host a : spec.hosts()) {
            for (Host b : spec.hosts()) {
                if (a == b) {
                    continue;
                }
                WgConfig onA = onlyInterfaceWithPeer(files.get(a.name()), b);
                WgConfig onB = onlyInterfaceWithPeer(files.get(b.name()), a);
                assertThat(onA.name()).as("tunnel %s-%s", a.name(), b.name()).isEqualTo(onB.name());
                WgConfig.Peer bOnA = onA.peers().stream().filter(p -> p.host().equals(b.name())).findFirst().orElseThrow();
                assertThat(bOnA.endpoint()).as("%s dials %s", a.name(), b.name())
                        .isEqualTo(b.endpoint().withPort(onB.listenPort()));
                assertThat(bOnA.allowedIps()).as("%s routes %s", a.name(), b.name())
                        .contains(onB.addresses().get(0).asHostRoute());
                assertThat(bOnA.publicKey()).isEqualTo(FixedKeyGroups.hostKeys(group, b.name()).publicKey());
                // both ends in one subnet, with different addresses
                assertThat(onA.addresses().get(0).network()).isEqualTo(onB.addresses().get(0).network());
                assertThat(onA.addresses().get(0)).isNotEqualTo(onB.addresses().get(0));
                networks.add(onA.name().value());
            }
        }
        int n = spec.hosts().size();
        assertThat(networks).hasSize(spec.topology() == Topology.MESH ? 1 : n - 1);
    }

    private static WgConfig onlyInterfaceWithPeer(HostFiles files, Host peer) {
        List<WgConfig> withPeer = files.interfaces().stream()
                .filter(c -> c.peers().stream().anyMatch(p -> p.host().equals(peer.name()))).toList();
        assertThat(withPeer).as("interfaces of %s with peer %s", files.host(), peer.name()).hasSize(1);
        return withPeer.get(0);
    }

    private static Map<HostName, HostFiles> render(String group) {
        return render(FixedKeyGroups.spec(group), group);
    }

    private static Map<HostName, HostFiles> render(HostGroupSpec spec, String group) {
        HostGroupKeysGenerated keyed = FixedKeyGroups.keyed(group, spec, 1);
        return GroupRenderer.render(keyed);
    }

    private static List<Integer> interfaceCounts(Map<HostName, HostFiles> files) {
        return files.values().stream().map(f -> f.interfaces().size()).toList();
    }

    private static List<String> names(HostFiles files) {
        return files.interfaces().stream().map(c -> c.name().value()).toList();
    }

    private static WgConfig iface(HostFiles files, String name) {
        return files.interfaces().stream().filter(c -> c.name().value().equals(name)).findFirst().orElseThrow(
                () -> new AssertionError(files.host() + " has no interface " + name));
    }
}
