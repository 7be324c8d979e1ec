package dev.wgmesh.deployer;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
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
 * A small hoster group (hosts h1..hN, networks wg-1..) keyed by wgmesh-common's {@link TestGroups} (sealed
 * to {@link TestGroups#DEPLOYER}) and rendered by {@link GroupRenderer} into the records deployers read.
 */
public final class TestGroup {

    public static final X25519Keys.KeyPair DEPLOYER = TestGroups.DEPLOYER;

    public final GroupName group;
    private final HostGroupSpec spec;
    private TestGroups.Keyed keyed;

    public TestGroup(String group, int hosts) {
        this.group = GroupName.parse(group);
        List<Host> list = new ArrayList<>();
        for (int slot = 1; slot <= hosts; slot++) {
            list.add(new Host(host(slot), slot, new Endpoint("192.0.2." + slot, 51820),
                    List.of(Cidr.parse("10." + slot + ".0.0/16")), InterfaceAddress.parse("198.19." + slot + ".1/24"),
                    null, HostOs.LINUX));
        }
        spec = new HostGroupSpec(Topology.HOSTER, null, 1420, 25, true, list);
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

    /** Every host's record at this revision. */
    public Map<HostName, HostConfigRendered> render(long revision) {
        HostGroupKeysGenerated current = keyed.event();
        UUID correlation = UUID.randomUUID();
        HostGroupKeysGenerated event = new HostGroupKeysGenerated(UUID.randomUUID(), group, revision, Instant.now(),
                correlation, current.cause(), spec, current.hosts(), current.presharedKeySeed());
        Map<HostName, HostConfigRendered> out = new LinkedHashMap<>();
        for (HostFiles files : GroupRenderer.render(event).values()) {
            out.put(files.host(), new HostConfigRendered(UUID.randomUUID(), group, revision, Instant.now(), correlation,
                    files.host(), files.os(), files.interfaces(), files.privateKey(), files.presharedKeySeed(),
                    files.contentHash()));
        }
        return out;
    }

    /** Writes the deployer private key as `wg genkey` would, mode 0600. */
    public static Path writeDeployerKey(Path dir) throws IOException {
        Path file = dir.resolve("deployer.key");
        Files.writeString(file, DEPLOYER.privateKey().base64() + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
