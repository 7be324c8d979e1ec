package dev.wgmesh.config;

import dev.wgmesh.config.domain.Quotas;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of config-service (config-service.properties says what each does), checked at start: a
 * value out of range stops the service naming the property and the value (the nested records' messages name
 * their property themselves: the binder names them by field, {@code config.requestTimeout}).
 *
 * @param maxGroups           {@code wgmesh.max-groups}: groups in all
 * @param maxHostsTotal       {@code wgmesh.max-hosts-total}: hosts in all groups together
 * @param maxChangesPerMinute {@code wgmesh.max-changes-per-minute}: changes to one group in any minute
 * @param apiToken            {@code wgmesh.api-token}: the bearer token for changes and the live feed
 * @param apiTokenFile        {@code wgmesh.api-token-file}: or a file that holds it
 * @param rotationCheckInterval {@code wgmesh.rotation-check-interval}: how often the key rotation schedules are looked at
 * @param rolloutCheckInterval {@code wgmesh.rollout-check-interval}: how often the gates of rollouts in waves are looked at
 * @param instanceId          {@code wgmesh.instance-id}: this replica's part of its Kafka transactional ids
 */
@ConfigurationProperties("wgmesh")
@Validated
public record ConfigSettings(@DefaultValue("1000") @Min(value = 1, message = "must be at least 1 group") int maxGroups,
                             @DefaultValue("20000") @Min(value = 1, message = "must be at least 1 host") int maxHostsTotal,
                             @DefaultValue("60") @Min(value = 1, message = "must be at least 1 change") int maxChangesPerMinute,
                             String apiToken, String apiTokenFile,
                             @DefaultValue("30s") @NotNull @DurationMin(millis = 100, message = "must be 100ms or more, such as 30s")
                             Duration rotationCheckInterval,
                             @DefaultValue("2s") @NotNull @DurationMin(millis = 100, message = "must be 100ms or more, such as 2s")
                             Duration rolloutCheckInterval,
                             @DefaultValue("local") @NotNull @Pattern(regexp = "[A-Za-z0-9._-]{1,64}",
                                     message = "must be 1 to 64 letters, digits, '.', '_' or '-'") String instanceId,
                             @DefaultValue @Valid Api api,
                             @DefaultValue @Valid Config config,
                             @DefaultValue @Valid Events events) {

    /** @param insecureNoAuth {@code wgmesh.api.insecure-no-auth}: start with no token, everything open */
    public record Api(@DefaultValue("false") boolean insecureNoAuth) {
    }

    /**
     * @param maxBodyBytes   {@code wgmesh.config.max-body-bytes}: a larger PUT body gets 413
     * @param requestTimeout {@code wgmesh.config.request-timeout}: how long a change may take before it answers 503
     */
    public record Config(@DefaultValue("8388608") @Min(value = 1, message = "wgmesh.config.max-body-bytes must be at least 1 byte") long maxBodyBytes,
                         @DefaultValue("10s") @NotNull @DurationMin(millis = 1, message = "wgmesh.config.request-timeout must be longer than 0, such as 10s")
                         Duration requestTimeout) {
    }

    /**
     * @param maxClients {@code wgmesh.events.max-clients}: live-feed clients at once
     * @param maxQueued  {@code wgmesh.events.max-queued}: records queued for one client before it is dropped
     */
    public record Events(@DefaultValue("64") @Min(value = 1, message = "wgmesh.events.max-clients must be at least 1 client") int maxClients,
                         @DefaultValue("2000") @Min(value = 1, message = "wgmesh.events.max-queued must be at least 1 record") int maxQueued) {
    }

    public Quotas quotas() {
        return new Quotas(maxGroups, maxHostsTotal, maxChangesPerMinute);
    }
}
