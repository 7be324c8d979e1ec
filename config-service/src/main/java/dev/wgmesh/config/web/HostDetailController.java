package dev.wgmesh.config.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.Problem;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.render.HostFiles;
import dev.wgmesh.common.wireguard.InvalidValueException;
import dev.wgmesh.common.wireguard.WgConfig;
import dev.wgmesh.config.domain.GroupStatus.HostStatus;
import dev.wgmesh.config.domain.GroupStore;
import dev.wgmesh.config.domain.RequestRejected;
import dev.wgmesh.config.domain.StatusBoard;
import dev.wgmesh.config.web.GroupViews.HostView;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/groups/{group}/hosts/{host}}: one host as declared, its desired interfaces and peers
 * (public keys, addresses, endpoints, allowed IPs; never a private or preshared key, which exist here only
 * sealed and are not shown even so), and its rollout: state, desired and applied revision, last report.
 */
@RestController
class HostDetailController {

    private final GroupStore store;
    private final StatusBoard board;

    HostDetailController(GroupStore store, StatusBoard board) {
        this.store = store;
        this.board = board;
    }

    @GetMapping(path = "/api/v1/groups/{group}/hosts/{host}", produces = MediaType.APPLICATION_JSON_VALUE)
    HostDetail detail(@PathVariable("group") String group, @PathVariable("host") String host) {
        GroupName groupName = parse("group", group, GroupName::parse);
        HostName hostName = parse("host", host, HostName::parse);
        HostGroupChanged change = store.current(groupName).orElseThrow(() -> RequestRejected.notFound(0,
                new Problem("group", InvalidValueException.quote(group), "there is no group " + InvalidValueException.quote(group))));
        Host declared = change.spec().host(hostName).orElseThrow(() -> RequestRejected.notFound(change.revision(),
                new Problem("host", InvalidValueException.quote(host), "group " + InvalidValueException.quote(group)
                        + " has no host " + InvalidValueException.quote(host))));
        HostStatus status = board.status(change, store.rollout(change.group()).orElse(null)).hosts().stream()
                .filter(s -> s.host().equals(hostName.value())).findFirst().orElseThrow();
        HostGroupKeysGenerated keyed = board.keyed(groupName).orElse(null);
        HostFiles files = keyed == null ? null : GroupRenderer.renderHost(keyed, hostName).orElse(null);
        String publicKey = keyed == null ? null : keyed.hosts().stream().filter(k -> k.host().equals(hostName))
                .map(HostKeys::publicKey).map(Object::toString).findFirst().orElse(null);
        return new HostDetail(change.group().value(), change.revision(), declared.slot(), HostView.of(declared),
                publicKey, files == null ? null : keyed.revision(), status,
                board.latestReport(groupName, hostName).map(LastReport::of).orElse(null),
                files == null ? List.of() : files.interfaces());
    }

    private static <T> T parse(String field, String text, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (InvalidValueException e) {
            throw RequestRejected.badRequest(0, List.of(new Problem(field, InvalidValueException.quote(text), e.getMessage())));
        }
    }

    /**
     * @param revision      the group's latest revision
     * @param keyedRevision the revision whose keys the interfaces were rendered from (null: not keyed yet)
     * @param interfaces    the desired wg-quick interfaces without their secrets
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record HostDetail(String group, long revision, int slot, HostView host, String publicKey, Long keyedRevision,
                      HostStatus status, LastReport lastReport, List<WgConfig> interfaces) {
    }

    record LastReport(String outcome, long revision, String reason, String replica, long durationMillis,
                      Instant occurredAt, UUID correlationId, String contentHash) {

        static LastReport of(DeploymentReported report) {
            return new LastReport(report.outcome().name(), report.revision(), report.reason(), report.replica(),
                    report.durationMillis(), report.occurredAt(), report.correlationId(), report.contentHash());
        }
    }
}
