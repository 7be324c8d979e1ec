package dev.wgmesh.deployer.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Every setting of a deployer (properties {@code wgmesh.*}, env {@code WGMESH_*}), checked when it starts:
 * a value that cannot work stops the start naming the setting and quoting the value.
 *
 * @param deployerPrivateKeyFile         the deployers' X25519 key, as {@code wg genkey} writes it (required)
 * @param deployerPreviousPrivateKeyFile the key before it, while the deployers' key is being replaced
 * @param target                         {@code file} (write the configs below {@code outDir}) or {@code command}
 * @param outDir                         where the file target writes {@code <group>/<host>/<interface>.conf}
 * @param stateDir                       what was applied per host; {@code <outDir>/.wgmesh-state} when not given
 * @param command                        the command target's program and plain arguments ({@code %h}: none here)
 * @param commandTimeout                 how long one run of the command may take before it is killed (FAILED)
 * @param keepStatusOpen                 whether the command target keeps a status session open per settled host
 *                                       for its looks, instead of a run of the command each
 * @param replica                        the name on every report; {@code <hostname>-<pid>} when not given
 * @param peerTableTimeout               how long a mesh host's record waits for the peer table it names
 * @param parallelHosts                  hosts applied (and observed) at the same time
 * @param listenerConcurrency            consumers of wgmesh.host-config-rendered in this process
 * @param observeInterval                how often each owned host is looked at (jittered)
 * @param tunnelMetricsLimit             the most tunnels with {@code wireguard_peer_*} meters of their own in this
 *                                       replica (a mesh has one per pair of hosts); 0: none
 * @param warmUpHosts                    the hosts of the made-up mesh applied ten times at start, before the first
 *                                       record, so that the first large change finds the apply path compiled; 0: none
 */
@ConfigurationProperties("wgmesh")
public record DeployerSettings(@DefaultValue("") String deployerPrivateKeyFile,
                               @DefaultValue("") String deployerPreviousPrivateKeyFile,
                               @DefaultValue("file") String target,
                               @DefaultValue("./wgmesh-data/out") String outDir,
                               @DefaultValue("") String stateDir,
                               @DefaultValue("") String command,
                               @DefaultValue("60s") Duration commandTimeout,
                               @DefaultValue("true") boolean keepStatusOpen,
                               @DefaultValue("") String replica,
                               @DefaultValue("10s") Duration peerTableTimeout,
                               @DefaultValue("4") int parallelHosts,
                               @DefaultValue("1") int listenerConcurrency,
                               @DefaultValue("30s") Duration observeInterval,
                               @DefaultValue("10000") int tunnelMetricsLimit,
                               @DefaultValue("100") int warmUpHosts) {

    public DeployerSettings {
        if (!List.of("file", "command").contains(target)) {
            throw new IllegalArgumentException("wgmesh.target is \"" + target + "\": expected file or command");
        }
        if (target.equals("command") && command.isBlank()) {
            throw new IllegalArgumentException("wgmesh.target is command but wgmesh.command is empty");
        }
        positive("wgmesh.command-timeout", commandTimeout);
        positive("wgmesh.peer-table-timeout", peerTableTimeout);
        if (observeInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("wgmesh.observe-interval is " + observeInterval + ": expected 100ms or more");
        }
        atLeastOne("wgmesh.parallel-hosts", parallelHosts);
        atLeastOne("wgmesh.listener-concurrency", listenerConcurrency);
        if (tunnelMetricsLimit < 0) {
            throw new IllegalArgumentException("wgmesh.tunnel-metrics-limit is " + tunnelMetricsLimit
                    + ": expected 0 or more");
        }
        if (warmUpHosts < 0 || warmUpHosts > 1000) {
            throw new IllegalArgumentException("wgmesh.warm-up-hosts is " + warmUpHosts + ": expected 0 to 1000");
        }
    }

    private static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " is " + value + ": expected more than 0");
        }
    }

    private static void atLeastOne(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " is " + value + ": expected 1 or more");
        }
    }
}
