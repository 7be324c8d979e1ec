package dev.wgmesh.common.events;

import dev.wgmesh.common.crypto.SealedSecret;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.wireguard.PublicKey;
import java.util.Objects;

/** A host's public key and its private key sealed to the deployers. */
public record HostKeys(HostName host, PublicKey publicKey, SealedSecret privateKey) {

    public HostKeys {
        Objects.requireNonNull(host, "host is required");
        Objects.requireNonNull(publicKey, "publicKey is required");
        Objects.requireNonNull(privateKey, "privateKey is required");
    }

    /** The context a host's private key is sealed under: it opens for this group and host only. */
    public static String privateKeyContext(GroupName group, HostName host) {
        return group + "/" + host + "/private-key";
    }

    /** The context a group's preshared-key seed is sealed under. */
    public static String presharedKeySeedContext(GroupName group) {
        return group + "/preshared-key-seed";
    }
}
