package dev.wgmesh.config.web;

import dev.wgmesh.common.events.Actor;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.Problem;
import dev.wgmesh.common.wireguard.InvalidValueException;
import dev.wgmesh.config.ConfigSettings;
import dev.wgmesh.config.domain.Accepted;
import dev.wgmesh.config.domain.ChangePlan;
import dev.wgmesh.config.domain.ChangeRequests;
import dev.wgmesh.config.domain.GroupCommand;
import dev.wgmesh.config.domain.GroupCommand.Action;
import dev.wgmesh.config.domain.GroupHealth;
import dev.wgmesh.config.domain.GroupService;
import dev.wgmesh.config.domain.GroupStatus;
import dev.wgmesh.config.domain.GroupStore;
import dev.wgmesh.config.domain.HealthBoard;
import dev.wgmesh.config.domain.Precondition;
import dev.wgmesh.config.domain.RequestRejected;
import dev.wgmesh.config.domain.StatusBoard;
import dev.wgmesh.config.messaging.ReapplyRequests;
import dev.wgmesh.config.web.GroupViews.GroupSummary;
import dev.wgmesh.config.web.GroupViews.GroupView;
import dev.wgmesh.config.web.GroupViews.RevisionView;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The host-group REST API (SPEC "REST API"); every change goes through {@link ChangeRequests}. */
@RestController
@RequestMapping(path = "/api/v1/groups", produces = MediaType.APPLICATION_JSON_VALUE)
class GroupController {

    private static final MediaType TEXT_YAML = MediaType.parseMediaType("text/yaml");
    private static final MediaType APPLICATION_X_YAML = MediaType.parseMediaType("application/x-yaml");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern ETAG = Pattern.compile("\\s*(?:W/)?\"?(\\d{1,18})\"?\\s*");

    private final GroupService service;
    private final ChangeRequests changes;
    private final GroupStore store;
    private final StatusBoard board;
    private final HealthBoard health;
    private final ChangeRate rate;
    private final ReapplyRequests reapplies;
    private final long maxBodyBytes;

    GroupController(GroupService service, ChangeRequests changes, GroupStore store, StatusBoard board, HealthBoard health,
                    ChangeRate rate, ReapplyRequests reapplies, ConfigSettings settings) {
        this.reapplies = reapplies;
        this.service = service;
        this.changes = changes;
        this.store = store;
        this.board = board;
        this.health = health;
        this.rate = rate;
        this.maxBodyBytes = settings.config().maxBodyBytes();
    }

    @GetMapping
    List<GroupSummary> list() {
        return store.currentGroups().stream().map(GroupSummary::of).toList();
    }

    @GetMapping("/{group}")
    ResponseEntity<GroupView> get(@PathVariable("group") String group) {
        HostGroupChanged change = service.get(groupName(group));
        return ResponseEntity.ok().eTag(etag(change)).body(GroupView.of(change));
    }

    @PutMapping("/{group}")
    ResponseEntity<GroupView> put(@PathVariable("group") String group,
                                  @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
                                  @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                  @RequestHeader(name = HttpHeaders.CONTENT_LENGTH, required = false) Long contentLength,
                                  @RequestParam(name = "force", required = false) String force,
                                  InputStream body, HttpServletRequest request) throws IOException {
        GroupName name = groupName(group);
        boolean yaml = yaml(contentType);
        Precondition precondition = precondition(ifMatch);
        boolean forced = force(force);
        JsonNode tree = readBody(body, contentLength, yaml);
        Accepted accepted = submit(GroupCommand.of(name, Action.UPSERT, tree, null, precondition,
                actor(request)).forced(forced));
        HostGroupChanged change = accepted.change();
        var response = accepted.created()
                ? ResponseEntity.created(URI.create("/api/v1/groups/" + name)) : ResponseEntity.ok();
        return response.eTag(etag(change)).body(GroupView.of(change));
    }

    /** What a PUT of the same body would do, published nowhere: the same problems for bad input. */
    @PostMapping("/{group}/plan")
    ChangePlan plan(@PathVariable("group") String group,
                    @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
                    @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                    @RequestHeader(name = HttpHeaders.CONTENT_LENGTH, required = false) Long contentLength,
                    InputStream body) throws IOException {
        GroupName name = groupName(group);
        boolean yaml = yaml(contentType);
        Precondition precondition = precondition(ifMatch);
        return service.plan(name, readBody(body, contentLength, yaml), precondition);
    }

    @DeleteMapping("/{group}")
    ResponseEntity<Void> delete(@PathVariable("group") String group,
                                @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                HttpServletRequest request) {
        submit(GroupCommand.of(groupName(group), Action.DELETE, null, null, precondition(ifMatch),
                actor(request)));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{group}/rotate-keys")
    ResponseEntity<RevisionView> rotateGroup(@PathVariable("group") String group,
                                             @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                             HttpServletRequest request) {
        HostGroupChanged change = submit(GroupCommand.of(groupName(group), Action.ROTATE_GROUP, null, null,
                precondition(ifMatch), actor(request))).change();
        return ResponseEntity.accepted().eTag(etag(change)).body(RevisionView.of(change));
    }

    @PostMapping("/{group}/hosts/{host}/rotate-keys")
    ResponseEntity<RevisionView> rotateHost(@PathVariable("group") String group, @PathVariable("host") String host,
                                            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                            HttpServletRequest request) {
        HostGroupChanged change = submit(GroupCommand.of(groupName(group), Action.ROTATE_HOST, null, hostName(host),
                precondition(ifMatch), actor(request))).change();
        return ResponseEntity.accepted().eTag(etag(change)).body(RevisionView.of(change));
    }

    @PostMapping("/{group}/rotate-preshared-keys")
    ResponseEntity<RevisionView> rotatePresharedKeys(@PathVariable("group") String group,
                                                     @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                                     HttpServletRequest request) {
        HostGroupChanged change = submit(GroupCommand.of(groupName(group), Action.ROTATE_PRESHARED_KEYS, null, null,
                precondition(ifMatch), actor(request))).change();
        return ResponseEntity.accepted().eTag(etag(change)).body(RevisionView.of(change));
    }

    @PostMapping("/{group}/hosts/{host}/revoke")
    ResponseEntity<RevisionView> revoke(@PathVariable("group") String group, @PathVariable("host") String host,
                                        @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                        HttpServletRequest request) {
        HostGroupChanged change = submit(GroupCommand.of(groupName(group), Action.REVOKE, null, hostName(host),
                precondition(ifMatch), actor(request))).change();
        return ResponseEntity.accepted().eTag(etag(change)).body(RevisionView.of(change));
    }

    /** 202: a paused rollout in waves goes on with its next wave; 409 when none is paused. */
    @PostMapping("/{group}/rollout/resume")
    ResponseEntity<GroupStatus.RolloutView> resumeRollout(@PathVariable("group") String group, HttpServletRequest request) {
        Accepted accepted = submit(GroupCommand.of(groupName(group), Action.ROLLOUT_RESUME, null, null, null, actor(request)));
        return ResponseEntity.accepted().body(GroupStatus.RolloutView.of(accepted.rollout()));
    }

    /**
     * 202: a running or paused rollout in waves stops, and every host returns to the configs and keys of the
     * revision before it, by a new revision; 409 when no rollout runs.
     */
    @PostMapping("/{group}/rollout/rollback")
    ResponseEntity<RevisionView> rollbackRollout(@PathVariable("group") String group, HttpServletRequest request) {
        HostGroupChanged change = submit(GroupCommand.of(groupName(group), Action.ROLLOUT_ROLLBACK, null, null, null,
                actor(request))).change();
        return ResponseEntity.accepted().eTag(etag(change)).body(RevisionView.of(change));
    }

    /**
     * 202: the deployer that owns the host applies its current configs again now (a FAILED host need not
     * wait for its next retry). Not a change: the revision stays; counted in the group's change rate.
     */
    @PostMapping("/{group}/hosts/{host}/reapply")
    ResponseEntity<Void> reapply(@PathVariable("group") String group, @PathVariable("host") String host,
                                 HttpServletRequest request) {
        GroupName name = groupName(group);
        HostName hostName = hostName(host);
        HostGroupChanged current = service.get(name);
        if (current.spec().host(hostName).isEmpty()) {
            throw RequestRejected.notFound(current.revision(), new Problem("host", InvalidValueException.quote(host),
                    "group " + InvalidValueException.quote(group) + " has no host " + InvalidValueException.quote(host)));
        }
        Instant taken = rate.acquire(name);
        try {
            reapplies.request(current, hostName, actor(request));
        } catch (RuntimeException e) {
            rate.release(name, taken);
            throw e;
        }
        return ResponseEntity.accepted().build();
    }

    @GetMapping("/{group}/status")
    GroupStatus status(@PathVariable("group") String group) {
        HostGroupChanged change = service.get(groupName(group));
        return board.status(change, store.rollout(change.group()).orElse(null));
    }

    @GetMapping("/{group}/health")
    GroupHealth health(@PathVariable("group") String group) {
        HostGroupChanged change = service.get(groupName(group));
        return health.health(change, board.expected(change.group()));
    }

    /** Who called: the API has one token, so the caller is told apart by the address it called from. */
    private static Actor actor(HttpServletRequest request) {
        return Actor.api(request.getRemoteAddr());
    }

    /** Every change goes through here, within the group's change rate. */
    private Accepted submit(GroupCommand command) {
        Instant taken = rate.acquire(command.group());
        try {
            return changes.submit(command);
        } catch (RuntimeException e) {
            rate.release(command.group(), taken);
            throw e;
        }
    }

    private static GroupName groupName(String group) {
        try {
            return GroupName.parse(group);
        } catch (InvalidValueException e) {
            throw RequestRejected.badRequest(0, List.of(new Problem("group", InvalidValueException.quote(group), e.getMessage())));
        }
    }

    private static HostName hostName(String host) {
        try {
            return HostName.parse(host);
        } catch (InvalidValueException e) {
            throw RequestRejected.badRequest(0, List.of(new Problem("host", InvalidValueException.quote(host), e.getMessage())));
        }
    }

    private static String etag(HostGroupChanged change) {
        return "\"" + change.revision() + "\"";
    }

    /**
     * JSON or YAML (the same tree, so the same checks and problems); no Content-Type is taken as JSON, so a
     * plain {@code curl -T} works.
     *
     * @return true for YAML
     */
    private static boolean yaml(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return false;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            if (type.isCompatibleWith(MediaType.APPLICATION_JSON)
                    || ("application".equals(type.getType()) && type.getSubtype().endsWith("+json"))) {
                return false;
            }
            if (type.isCompatibleWith(MediaType.APPLICATION_YAML) || type.isCompatibleWith(TEXT_YAML)
                    || type.isCompatibleWith(APPLICATION_X_YAML)
                    || ("application".equals(type.getType()) && type.getSubtype().endsWith("+yaml"))) {
                return true;
            }
        } catch (InvalidMediaTypeException e) {
            // refused below, as any other type
        }
        throw new RequestRejected(HttpStatus.UNSUPPORTED_MEDIA_TYPE.value(), "Unsupported media type", 0,
                List.of(new Problem("Content-Type", InvalidValueException.quote(contentType),
                        "the body must be application/json or application/yaml")));
    }

    private static boolean force(String force) {
        if (force == null || force.equals("false")) {
            return false;
        }
        if (force.equals("true")) {
            return true;
        }
        throw RequestRejected.badRequest(0, List.of(new Problem("force", InvalidValueException.quote(force),
                "must be true or false")));
    }

    private static Precondition precondition(String ifMatch) {
        if (ifMatch == null) {
            return null;
        }
        if (ifMatch.trim().equals("*")) {
            return new Precondition(HttpHeaders.IF_MATCH, InvalidValueException.quote(ifMatch), null);
        }
        Matcher matcher = ETAG.matcher(ifMatch);
        if (!matcher.matches()) {
            throw RequestRejected.badRequest(0, List.of(new Problem(HttpHeaders.IF_MATCH, InvalidValueException.quote(ifMatch),
                    "must be one revision as an entity tag, such as \"3\", or *")));
        }
        return new Precondition(HttpHeaders.IF_MATCH, InvalidValueException.quote(ifMatch), Long.parseLong(matcher.group(1)));
    }

    /** Reads the body ourselves, so a too large body is a 413 and broken JSON or YAML a 400 naming "$". */
    private JsonNode readBody(InputStream body, Long contentLength, boolean yaml) throws IOException {
        if (contentLength != null && contentLength > maxBodyBytes) {
            throw tooLarge(contentLength);
        }
        byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        if (bytes.length > maxBodyBytes) {
            throw tooLarge(null);
        }
        if (bytes.length == 0) {
            throw RequestRejected.badRequest(0, List.of(new Problem("$", null,
                    "the body is empty; send the group's settings and hosts as a JSON object")));
        }
        try {
            return yaml ? YAML.readTree(bytes) : EventJson.mapper().readTree(bytes);
        } catch (JacksonException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw RequestRejected.badRequest(0, List.of(new Problem("$", null,
                    (yaml ? "not YAML" : "not JSON") + where + ": " + e.getOriginalMessage())));
        }
    }

    private RequestRejected tooLarge(Long length) {
        return new RequestRejected(HttpStatus.CONTENT_TOO_LARGE.value(), "Content too large", 0,
                List.of(new Problem("$", null, "the body " + (length == null ? "" : "of " + length + " bytes ")
                        + "is larger than the limit of " + maxBodyBytes + " bytes")));
    }
}
