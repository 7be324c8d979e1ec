package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.InterfaceName;
import dev.wgmesh.common.wireguard.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a target saw on a host, typed: each interface wgmesh manages for the host's group, its installed
 * file's SHA-256, and what runs. {@code runtime} is false when only files were read (the file target):
 * then there are no handshakes to tell a tunnel's state. {@code digests}: what the host said each
 * interface's lines hash to, without what changes with use (endpoints, handshakes, counters); a later
 * brief look compares them ({@link Target#unchanged}). Empty when the target has none.
 */
public record HostObservation(List<ObservedInterface> interfaces, boolean runtime, Map<InterfaceName, String> digests) {

    public HostObservation {
        interfaces = List.copyOf(interfaces);
        digests = Map.copyOf(digests);
    }

    public HostObservation(List<ObservedInterface> interfaces, boolean runtime) {
        this(interfaces, runtime, Map.of());
    }

    public Optional<ObservedInterface> find(InterfaceName name) {
        return interfaces.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    public enum State {
        UP, DOWN, MISSING,
        /** The file target's: a file is there, but not a config wg-quick would take. */
        UNREADABLE,
        /** The file target's: the file is the declared one byte for byte, so it was not parsed. */
        AS_DECLARED
    }

    /**
     * One interface; {@code fileSha256} is the hex SHA-256 of its installed file, null when the file is
     * missing; the values after it are null (or empty) when the interface is not up. {@code problem} says
     * why an UNREADABLE file is.
     */
    public record ObservedInterface(InterfaceName name, State state, Integer listenPort, PublicKey publicKey,
                                    Integer mtu, String fileSha256, List<InterfaceAddress> addresses,
                                    List<ObservedPeer> peers, String problem) {
        public ObservedInterface {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(state, "state");
            addresses = List.copyOf(addresses);
            peers = List.copyOf(peers);
        }
    }

    /**
     * One peer as it runs: {@code presharedKeySha256} is the hex SHA-256 of its preshared key's base64 text
     * (null: none), {@code latestHandshake} in Unix seconds (0: never), {@code keepalive} null when off.
     */
    public record ObservedPeer(PublicKey publicKey, String presharedKeySha256, Endpoint endpoint, List<Cidr> allowedIps,
                               long latestHandshake, long rxBytes, long txBytes, Integer keepalive) {
        public ObservedPeer {
            Objects.requireNonNull(publicKey, "publicKey");
            allowedIps = List.copyOf(allowedIps);
        }
    }
}
