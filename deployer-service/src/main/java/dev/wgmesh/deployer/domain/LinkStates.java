package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.events.HostHealthReported.Link;
import dev.wgmesh.common.events.HostHealthReported.LinkState;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.WgConfig;
import dev.wgmesh.deployer.domain.ExpectedHost.ExpectedInterface;
import dev.wgmesh.deployer.domain.HostObservation.ObservedInterface;
import dev.wgmesh.deployer.domain.HostObservation.ObservedPeer;
import dev.wgmesh.deployer.domain.HostObservation.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each declared tunnel's state from its latest handshake. WireGuard renews a session at least every two
 * minutes while packets flow and drops it after 180 s ({@code REJECT_AFTER_TIME}), so:
 * <ul>
 * <li>{@code UP}: a handshake within the last 180 s;
 * <li>{@code DOWN}: none within 180 s although one was due: the peer has a persistent keepalive (packets
 *     flow all the time) and either it had a handshake before, or the host has run these configs for more
 *     than 180 s plus {@link #GRACE};
 * <li>{@code STALE}: an older handshake on a tunnel without keepalive, which is idle until it has
 *     something to send;
 * <li>{@code NEVER}: no handshake, and none due yet;
 * <li>{@code UNKNOWN}: only files were read (the file target).
 * </ul>
 */
final class LinkStates {

    static final Duration HANDSHAKE_WINDOW = Duration.ofSeconds(180);
    /** Time for the peers to be applied too and to answer, after a host got its configs. */
    static final Duration GRACE = Duration.ofSeconds(30);

    private LinkStates() {
    }

    /** @param since when the host got the configs it should run, or when this deployer first saw it */
    static List<Link> of(ExpectedHost expected, HostObservation observed, Instant now, Instant since) {
        List<Link> links = new ArrayList<>();
        for (ExpectedInterface want : expected.interfaces()) {
            ObservedInterface seen = observed.find(want.config().name())
                    .filter(i -> i.state() == State.UP).orElse(null);
            Map<PublicKey, ObservedPeer> peers = new HashMap<>();
            if (seen != null) {
                seen.peers().forEach(p -> peers.put(p.publicKey(), p));
            }
            for (WgConfig.Peer peer : want.config().peers()) {
                ObservedPeer running = peers.get(peer.publicKey());
                if (!observed.runtime()) {
                    links.add(new Link(peer.host(), LinkState.UNKNOWN, null, 0, 0, null));
                } else if (running == null) {
                    links.add(new Link(peer.host(), state(0, keepalive(peer), now, since), null, 0, 0, null));
                } else {
                    long handshake = running.latestHandshake();
                    links.add(new Link(peer.host(), state(handshake, keepalive(peer), now, since),
                            handshake == 0 ? null : Instant.ofEpochSecond(handshake), running.rxBytes(),
                            running.txBytes(), running.endpoint()));
                }
            }
        }
        return links;
    }

    private static boolean keepalive(WgConfig.Peer peer) {
        return peer.persistentKeepalive() != null && peer.persistentKeepalive() > 0;
    }

    static LinkState state(long handshakeSeconds, boolean keepalive, Instant now, Instant since) {
        Instant window = now.minus(HANDSHAKE_WINDOW);
        if (handshakeSeconds != 0 && !Instant.ofEpochSecond(handshakeSeconds).isBefore(window)) {
            return LinkState.UP;
        }
        boolean due = keepalive && (handshakeSeconds != 0 || since.isBefore(window.minus(GRACE)));
        if (due) {
            return LinkState.DOWN;
        }
        return handshakeSeconds != 0 ? LinkState.STALE : LinkState.NEVER;
    }
}
