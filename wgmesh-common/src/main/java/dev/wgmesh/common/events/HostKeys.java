package dev.wgmesh.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wgmesh.common.crypto.SealedSecret;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.wireguard.PublicKey;
import java.time.Instant;
import java.util.Objects;

/**
 * A host's public key, its private key sealed to the deployers, and when keygen made the pair
 * ({@code createdAt}; absent in records written before wgmesh kept key ages).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostKeys(HostName host, PublicKey publicKey, SealedSecret privateKey, Instant createdAt) {

    public HostKeys {
        Objects.requireNonNull(host, "host is required");
        Objects.requireNonNull(publicKey, "publicKey is required");
        Objects.requireNonNull(privateKey, "privateKey is required");
    }

    /** A key pair of unknown age. */
    public HostKeys(HostName host, PublicKey publicKey, SealedSecret privateKey) {
        this(host, publicKey, privateKey, null);
    }

    /** The same pair, aged from {@code now} when its age was not known. */
    public HostKeys agedFrom(Instant now) {
        return createdAt != null ? this : new HostKeys(host, publicKey, privateKey, now);
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
