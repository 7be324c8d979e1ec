package dev.wgmesh.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wgmesh.common.crypto.SealedSecret;
import dev.wgmesh.common.group.DriftPolicy;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.HostOs;
import dev.wgmesh.common.wireguard.WgConfig;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * renderer-service's desired state of one host: every interface it should have (one wg-quick file
 * each) with the secrets still sealed, and a hash of all of it. A host that left gets a tombstone.
 *
 * <p>{@code driftPolicy} is its group's: whether a deployer applies the host again when it drifted.
 *
 * <p>A mesh host's one interface lists no peers here: {@code meshPeersHash} names the group's
 * {@link MeshPeersRendered} whose entries, all but the host's own, are its peers.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostConfigRendered(UUID eventId, GroupName group, long revision, Instant occurredAt, UUID correlationId,
                                 HostName host, HostOs os, List<WgConfig> interfaces, SealedSecret privateKey,
                                 SealedSecret presharedKeySeed, String contentHash, String meshPeersHash,
                                 DriftPolicy driftPolicy) implements WgmeshEvent {

    public static final String TYPE = "dev.wgmesh.host-config-rendered.v1";

    public HostConfigRendered {
        WgmeshEvent.checkCommonFields(eventId, group, revision, occurredAt, correlationId);
        Objects.requireNonNull(host, "host is required");
        Objects.requireNonNull(os, "os is required");
        Objects.requireNonNull(privateKey, "privateKey is required");
        Objects.requireNonNull(contentHash, "contentHash is required");
        // absent from records written before it existed: those groups were repaired
        driftPolicy = driftPolicy == null ? DriftPolicy.REPAIR : driftPolicy;
        interfaces = List.copyOf(Objects.requireNonNull(interfaces, "interfaces is required"));
        if (meshPeersHash != null && (interfaces.size() != 1 || !interfaces.get(0).peers().isEmpty())) {
            throw new IllegalArgumentException("a host whose peers come from the mesh's peer table has one interface"
                    + " that lists no peers itself");
        }
        if (interfaces.stream().anyMatch(c -> c.peers().stream().anyMatch(WgConfig.Peer::presharedKey))
                && presharedKeySeed == null) {
            throw new IllegalArgumentException("peers use preshared keys but no presharedKeySeed is given");
        }
        if (interfaces.stream().map(WgConfig::name).distinct().count() != interfaces.size()) {
            throw new IllegalArgumentException("interface names of host " + host + " must be unique");
        }
    }

    /** A record of a group that repairs drift. */
    public HostConfigRendered(UUID eventId, GroupName group, long revision, Instant occurredAt, UUID correlationId,
                              HostName host, HostOs os, List<WgConfig> interfaces, SealedSecret privateKey,
                              SealedSecret presharedKeySeed, String contentHash, String meshPeersHash) {
        this(eventId, group, revision, occurredAt, correlationId, host, os, interfaces, privateKey, presharedKeySeed,
                contentHash, meshPeersHash, DriftPolicy.REPAIR);
    }

    /** The record key on wgmesh.host-config-rendered and wgmesh.deployment-reported. */
    public static String key(GroupName group, HostName host) {
        return group + "/" + host;
    }

    @Override
    public String recordKey() {
        return HostConfigRendered.key(group, host);
    }

    @Override
    public String eventType() {
        return TYPE;
    }
}
