package dev.wgmesh.deployer;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.group.DriftPolicy;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.HostOs;
import dev.wgmesh.common.group.Topology;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.render.HostFiles;
import dev.wgmesh.common.testing.TestGroups;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.SecretKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A small hoster group (hosts h1..hN, networks wg-1..), or mesh group, keyed by wgmesh-common's
 * {@link TestGroups} (sealed to {@link TestGroups#DEPLOYER}) and rendered by {@link GroupRenderer} into
 * the records deployers read.
 */
public final class TestGroup {

    public static final X25519Keys.KeyPair DEPLOYER = TestGroups.DEPLOYER;

    public final GroupName group;
    private final HostGroupSpec spec;
    private TestGroups.Keyed keyed;

    public TestGroup(String group, int hosts) {
        this(group, hosts, Topology.HOSTER, DriftPolicy.REPAIR);
    }

    /** A hoster group with this drift policy. */
    public TestGroup(String group, int hosts, DriftPolicy driftPolicy) {
        this(group, hosts, Topology.HOSTER, driftPolicy);
    }

    /** A mesh of hosts h1..hN, tunnel network 10.99.0.0/24. */
    public static TestGroup mesh(String group, int hosts) {
        return new TestGroup(group, hosts, Topology.MESH, DriftPolicy.REPAIR);
    }

    private TestGroup(String group, int hosts, Topology topology, DriftPolicy driftPolicy) {
        this.group = GroupName.parse(group);
        List<Host> list = new ArrayList<>();
        for (int slot = 1; slot <= hosts; slot++) {
            list.add(new Host(host(slot), slot, new Endpoint("192.0.2." + slot, 51820),
                    List.of(Cidr.parse("10." + slot + ".0.0/16")), InterfaceAddress.parse("198.19." + slot + ".1/24"),
                    null, HostOs.LINUX));
        }
        spec = new HostGroupSpec(topology, topology == Topology.MESH ? Cidr.parse("10.99.0.0/24") : null, 1420, 25,
                true, false, driftPolicy, null, null, list);
        keyed = TestGroups.keyed(group, 1, spec);
    }

    public HostName host(int slot) {
        return HostName.parse("h" + slot);
    }

    public Map<HostName, X25519Keys.KeyPair> hostKeys() {
        return keyed.keys();
    }

    public SecretKey seed() {
        return keyed.seed();
    }

    /** A new key pair for one host, as "Rotate WG keys for this host" does. */
    public void rotate(HostName host) {
        keyed = TestGroups.rekeyed(keyed, keyed.event().revision() + 1, spec, Set.of(host));
    }

    /** Every host's record at this revision, each listing its peers itself. */
    public Map<HostName, HostConfigRendered> render(long revision) {
        return render(revision, null);
    }

    /** The mesh's peer table at this revision, as renderer-service publishes it. */
    public MeshPeersRendered peerTable(long revision) {
        return GroupRenderer.meshPeers(keyed.event()).orElseThrow().asEvent(UUID.randomUUID(), event(revision),
                Instant.now());
    }

    /** Every host's record at this revision naming the mesh's peer table, as renderer-service publishes a mesh's. */
    public Map<HostName, HostConfigRendered> renderNamingPeerTable(long revision) {
        return render(revision, GroupRenderer.meshPeers(keyed.event()).orElseThrow().hash());
    }

    private Map<HostName, HostConfigRendered> render(long revision, String peersHash) {
        HostGroupKeysGenerated event = event(revision);
        Map<HostName, HostConfigRendered> out = new LinkedHashMap<>();
        for (HostFiles files : GroupRenderer.render(event).values()) {
            out.put(files.host(), files.asEvent(UUID.randomUUID(), event, Instant.now(), peersHash));
        }
        return out;
    }

    /** The current keys at this revision, as a change of its own (a new correlation id). */
    private HostGroupKeysGenerated event(long revision) {
        HostGroupKeysGenerated current = keyed.event();
        return new HostGroupKeysGenerated(UUID.randomUUID(), group, revision, Instant.now(), UUID.randomUUID(),
                current.cause(), spec, current.hosts(), current.presharedKeySeed());
    }

    /** Writes the deployer private key as `wg genkey` would, mode 0600. */
    public static Path writeDeployerKey(Path dir) throws IOException {
        Path file = dir.resolve("deployer.key");
        Files.writeString(file, DEPLOYER.privateKey().base64() + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
