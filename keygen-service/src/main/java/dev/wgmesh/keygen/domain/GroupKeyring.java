package dev.wgmesh.keygen.domain;

import dev.wgmesh.common.crypto.SealedSecret;
import dev.wgmesh.common.crypto.SecretSealer;
import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.SecretKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns a group's previous keys and a change into its new keys. A host keeps its key pair, and the
 * group its preshared-key seed, as the very same sealed strings, unless the change rotates them (a rotation
 * of one host or of the group; the seed alone on a rotation of the preshared keys or a revoke); so an
 * upsert changes no key and the renderer sees only real changes. Plaintext keys live only inside one call.
 */
public final class GroupKeyring {

    private static final int SEED_BYTES = 32;

    private final SecureRandom random;
    private final SecretSealer sealer;
    private final PublicKey deployerKey;
    private final Clock clock;

    public GroupKeyring(SecureRandom random, PublicKey deployerKey, Clock clock) {
        this.random = random;
        this.sealer = new SecretSealer(random);
        this.deployerKey = deployerKey;
        this.clock = clock;
    }

    /**
     * @param previous the group's last keys, or null when keygen never keyed it; a deleted group's
     *                 record has no hosts and no seed, so a group made again gets new keys
     */
    public HostGroupKeysGenerated next(HostGroupKeysGenerated previous, HostGroupChanged change) {
        GroupName group = change.group();
        if (previous != null && !previous.group().equals(group)) {
            throw new IllegalArgumentException("keys of group " + previous.group() + " given for a change of group " + group);
        }
        UUID eventId = UUID.randomUUID();
        Instant now = clock.instant();
        if (change.deleted()) {
            return new HostGroupKeysGenerated(eventId, group, change.revision(), clock.instant(), change.correlationId(),
                    ChangeCause.DELETE, null, List.of(), null);
        }
        if (change.cause() == ChangeCause.ROLLBACK) {
            return restored(previous, change, eventId, now);
        }
        boolean rotateAll = change.cause() == ChangeCause.ROTATE_GROUP;
        // a revoked host may know its pairs' preshared keys: every pair gets new ones, as on a rotation of them
        boolean newSeed = rotateAll || change.cause() == ChangeCause.ROTATE_PRESHARED_KEYS
                || change.cause() == ChangeCause.REVOKE
                || change.cause() == ChangeCause.SCHEDULED_ROTATION && change.rotatedHost() == null;
        Map<HostName, HostKeys> kept = previous == null ? Map.of()
                : previous.hosts().stream().collect(Collectors.toMap(HostKeys::host, Function.identity()));
        List<HostKeys> hosts = change.spec().hosts().stream()
                .map(Host::name)
                .map(host -> {
                    HostKeys old = kept.get(host);
                    boolean rotate = rotateAll || host.equals(change.rotatedHost());
                    // a pair kept from before wgmesh kept key ages is aged from now
                    return old == null || rotate ? newKeys(group, host, change.revision(), now) : old.agedFrom(now);
                })
                .toList();
        SealedSecret seed = null;
        Instant seedCreatedAt = null;
        if (change.spec().presharedKeys()) {
            SealedSecret oldSeed = previous == null ? null : previous.presharedKeySeed();
            if (oldSeed == null || newSeed) {
                seed = newSeed(group, change.revision());
                seedCreatedAt = now;
            } else {
                seed = oldSeed;
                seedCreatedAt = previous.presharedKeySeedCreatedAt() == null ? now : previous.presharedKeySeedCreatedAt();
            }
        }
        // hosts not yet released keep running the previous keys, and a rollback returns to them
        HostGroupKeysGenerated before = change.staged() && previous != null && previous.spec() != null
                ? previous.withoutPrevious() : null;
        return new HostGroupKeysGenerated(eventId, group, change.revision(), now, change.correlationId(),
                change.cause(), change.spec(), hosts, seed, seedCreatedAt, before);
    }

    /**
     * The keys of the revision before the rolled-out one, again: the key pairs and the seed the hosts ran
     * before the rollout, with their creation times. A host the rolled-back spec declares that had no key
     * then (it cannot be, as the spec is that revision's) gets a new pair.
     */
    private HostGroupKeysGenerated restored(HostGroupKeysGenerated previous, HostGroupChanged change, UUID eventId,
                                            Instant now) {
        HostGroupKeysGenerated before = previous == null ? null : previous.previous();
        if (before == null) {
            throw new IllegalArgumentException("a rollback of group " + change.group() + " needs the keys of the "
                    + "revision before the rollout, and revision " + (previous == null ? "none" : previous.revision())
                    + " does not carry them");
        }
        Map<HostName, HostKeys> old = before.hosts().stream().collect(Collectors.toMap(HostKeys::host, Function.identity()));
        List<HostKeys> hosts = change.spec().hosts().stream().map(Host::name)
                .map(host -> old.containsKey(host) ? old.get(host) : newKeys(change.group(), host, change.revision(), now))
                .toList();
        SealedSecret seed = change.spec().presharedKeys() ? before.presharedKeySeed() : null;
        Instant seedCreatedAt = seed == null ? null : before.presharedKeySeedCreatedAt();
        if (change.spec().presharedKeys() && seed == null) {
            seed = newSeed(change.group(), change.revision());
            seedCreatedAt = now;
        }
        return new HostGroupKeysGenerated(eventId, change.group(), change.revision(), now, change.correlationId(),
                change.cause(), change.spec(), hosts, seed, seedCreatedAt);
    }

    /** @param epoch the revision that makes the key pair, bound into its sealing */
    private HostKeys newKeys(GroupName group, HostName host, long epoch, Instant now) {
        X25519Keys.KeyPair pair = X25519Keys.generate(random);
        SealedSecret sealed = sealer.seal(pair.privateKey(), deployerKey, HostKeys.privateKeyContext(group, host), epoch);
        return new HostKeys(host, pair.publicKey(), sealed, now);
    }

    private SealedSecret newSeed(GroupName group, long epoch) {
        byte[] bytes = new byte[SEED_BYTES];
        random.nextBytes(bytes);
        try {
            return sealer.seal(SecretKey.of(bytes), deployerKey, HostKeys.presharedKeySeedContext(group), epoch);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
