package dev.wgmesh.config.domain;

/**
 * What one client may make the system hold (SPEC "Trust: the signer, not the bus", quotas): every change
 * fans out to keys, configs and deploys on every host, so its size and rate are bounded. Set in
 * {@link dev.wgmesh.config.ConfigSettings}.
 *
 * @param maxGroups           groups in all
 * @param maxHostsTotal       hosts in all groups together
 * @param maxChangesPerMinute changes to one group in any minute
 */
public record Quotas(int maxGroups, int maxHostsTotal, int maxChangesPerMinute) {
}
