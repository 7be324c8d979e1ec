package dev.wgmesh.common.wireguard;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wgmesh.common.group.HostName;
import java.util.List;
import java.util.Objects;

/**
 * One WireGuard interface of one host with its peers, without its secrets: the private key and the
 * preshared keys are given to {@link WgConfigWriter} only when the file is written.
 */
public record WgConfig(InterfaceName name, List<InterfaceAddress> addresses, int listenPort,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Integer mtu, List<Peer> peers) {

    public WgConfig {
        Objects.requireNonNull(name, "name");
        addresses = List.copyOf(addresses);
        peers = List.copyOf(peers);
        if (listenPort < 1 || listenPort > 65535) {
            throw new InvalidValueException("listenPort " + listenPort + " is out of range 1..65535");
        }
        if (mtu != null && (mtu < 1280 || mtu > 9000)) {
            throw new InvalidValueException("mtu " + mtu + " is out of range 1280..9000");
        }
    }

    /** The same interface with these peers. */
    public WgConfig withPeers(List<Peer> otherPeers) {
        return new WgConfig(name, addresses, listenPort, mtu, otherPeers);
    }

    /** A peer; {@code presharedKey} says whether the pair uses one, its value comes at writing time. */
    public record Peer(HostName host, PublicKey publicKey, boolean presharedKey, List<Cidr> allowedIps,
                       Endpoint endpoint,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Integer persistentKeepalive) {

        public Peer {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(publicKey, "publicKey");
            Objects.requireNonNull(endpoint, "endpoint");
            allowedIps = List.copyOf(allowedIps);
            if (persistentKeepalive != null && (persistentKeepalive < 0 || persistentKeepalive > 65535)) {
                throw new InvalidValueException("persistentKeepalive " + persistentKeepalive
                        + " is out of range 0..65535");
            }
        }
    }
}
