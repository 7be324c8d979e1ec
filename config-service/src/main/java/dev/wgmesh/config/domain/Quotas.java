package dev.wgmesh.config.domain;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What one client may make the system hold (SPEC "Trust: the signer, not the bus", quotas): every change
 * fans out to keys, configs and deploys on every host, so its size and rate are bounded.
 *
 * @param maxGroups           {@code wgmesh.max-groups}: groups in all
 * @param maxHostsTotal       {@code wgmesh.max-hosts-total}: hosts in all groups together
 * @param maxChangesPerMinute {@code wgmesh.max-changes-per-minute}: changes to one group in any minute
 */
@ConfigurationProperties("wgmesh")
@Validated
public record Quotas(@DefaultValue("1000") @Min(1) int maxGroups,
                     @DefaultValue("20000") @Min(1) int maxHostsTotal,
                     @DefaultValue("60") @Min(1) int maxChangesPerMinute) {
}
