package dev.wgmesh.config.domain;

import dev.wgmesh.common.events.Actor;
import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.GroupValidator;
import dev.wgmesh.common.group.HostGroupParser;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.Problem;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Decides every change to a group, from the API and from the commands topic alike: validates, keeps
 * slots and counts revisions against the groups in {@link GroupStore}. It publishes nothing and
 * changes no memory: the replica that owns the group's commands partition publishes the decision, and
 * the store learns it from the changed-topic like every other replica's.
 */
public final class GroupService {

    /** Fields of a group's GET form that a PUT of it may carry back; read-only, so ignored. */
    static final Set<String> OWN_FIELDS = Set.of("name", "revision", "changedBy", "revoked");

    private final GroupStore store;
    private final Clock clock;
    private final Quotas quotas;
    private final RolloutDecisions rollouts;

    public GroupService(GroupStore store, Clock clock, Quotas quotas, RolloutDecisions rollouts) {
        this.store = store;
        this.clock = clock;
        this.quotas = quotas;
        this.rollouts = rollouts;
    }

    /** The checks that need no state: the request's own fields and the body's. */
    public void checkRequest(GroupCommand command) {
        if (!command.problems().isEmpty()) {
            throw RequestRejected.badRequest(currentRevision(command.group()), command.problems());
        }
        if (command.action() == GroupCommand.Action.UPSERT) {
            parse(command.group(), command.body());
        }
    }

    /** The change the request makes to the groups as they are now (not yet published), or why not. */
    public Accepted decide(GroupCommand command) {
        return decide(command, List.of());
    }

    /**
     * As {@link #decide(GroupCommand)}, after {@code decidedBefore}: changes to other groups decided in the same
     * transaction, not yet in the store, which count in the quotas over all groups.
     */
    public Accepted decide(GroupCommand command, List<HostGroupChanged> decidedBefore) {
        checkRequest(command);
        if (command.notAfter() != null && clock.instant().isAfter(command.notAfter())) {
            throw new RequestRejected(503, "Request expired", currentRevision(command.group()), List.of(new Problem(
                    "notAfter", quote(command.notAfter().toString()), "the request came after its deadline and was not applied")));
        }
        if (command.action().ofRollout()) {
            return rollouts.decide(command);
        }
        rollouts.checkNoRolloutRunning(command.group(), command.action());
        HostGroupChanged before = store.latest(command.group()).orElse(null);
        Accepted accepted = switch (command.action()) {
            case UPSERT -> upsert(command.group(), command.body(), command.precondition(), command.force(), decidedBefore);
            case DELETE -> delete(command.group(), command.precondition());
            case ROTATE_GROUP -> rotateGroup(command.group(), command.precondition());
            case ROTATE_HOST -> rotateHost(command.group(), command.host(), command.precondition());
            case ROTATE_PRESHARED_KEYS -> rotatePresharedKeys(command.group(), command.precondition());
            case REVOKE -> revoke(command.group(), command.host(), command.precondition());
            case ROLLOUT_CHECK, ROLLOUT_RESUME, ROLLOUT_ROLLBACK -> throw new IllegalStateException("decided above");
        };
        HostGroupChanged change = accepted.change().withActor(command.actor());
        // only config-service signs a command of its schedule: no other writer can name that actor
        return rollouts.staged(before,
                new Accepted(command.actor().equals(Actor.SCHEDULE) ? change.scheduled() : change, accepted.created()));
    }

    /**
     * Creates or replaces a group from its JSON body. A change that removes too much of the group
     * ({@link BlastRadius}) is refused with 409 unless {@code force}.
     */
    public Accepted upsert(GroupName group, JsonNode body, Precondition precondition, boolean force) {
        return upsert(group, body, precondition, force, List.of());
    }

    private Accepted upsert(GroupName group, JsonNode body, Precondition precondition, boolean force,
                            List<HostGroupChanged> decidedBefore) {
        HostGroupChanged latest = store.latest(group).orElse(null);
        HostGroupSpec current = latest == null || latest.deleted() ? null : latest.spec();
        HostGroupSpec spec = next(group, body, precondition, latest, current, decidedBefore);
        if (current != null && !force) {
            BlastRadius radius = ChangePlan.blastRadius(current, spec);
            if (radius.exceeded()) {
                throw new RequestRejected(409, "Change removes too much", latest.revision(), radius.problems());
            }
        }
        // a revoked host that the body declares again is back in the group (keygen gives it a new key pair)
        List<HostName> revoked = latest == null || latest.deleted() ? List.of()
                : latest.revoked().stream().filter(host -> spec.host(host).isEmpty()).toList();
        return new Accepted(change(group, latest, ChangeCause.UPSERT, null, spec, revoked), current == null);
    }

    /** What {@link #upsert} would do with the same body, published nowhere; bad input gets the same problems. */
    public ChangePlan plan(GroupName group, JsonNode body, Precondition precondition) {
        checkRequest(GroupCommand.of(group, GroupCommand.Action.UPSERT, body, null, precondition, Actor.AUTOMATION));
        HostGroupChanged latest = store.latest(group).orElse(null);
        HostGroupSpec current = latest == null || latest.deleted() ? null : latest.spec();
        HostGroupSpec spec = next(group, body, precondition, latest, current, List.of());
        return ChangePlan.of(group, (latest == null ? 0 : latest.revision()) + 1, current, spec);
    }

    /** The body as the group's next spec: parsed, slots kept, checked against the layout rules and the quotas. */
    private HostGroupSpec next(GroupName group, JsonNode body, Precondition precondition, HostGroupChanged latest,
                               HostGroupSpec current, List<HostGroupChanged> decidedBefore) {
        HostGroupParser.Result parsed = parse(group, body);
        check(precondition, group, latest);
        HostGroupSpec spec = Slots.assign(current, parsed.spec());
        List<Problem> layout = GroupValidator.validate(spec, parsed.paths());
        if (!layout.isEmpty()) {
            throw RequestRejected.badRequest(currentRevision(group), layout);
        }
        checkQuotas(group, current == null, spec, decidedBefore);
        return spec;
    }

    public Accepted delete(GroupName group, Precondition precondition) {
        HostGroupChanged latest = existing(group);
        check(precondition, group, latest);
        return new Accepted(change(group, latest, ChangeCause.DELETE, null, null), false);
    }

    /** New key pairs for every host of the group. */
    public Accepted rotateGroup(GroupName group, Precondition precondition) {
        HostGroupChanged latest = existing(group);
        check(precondition, group, latest);
        return new Accepted(change(group, latest, ChangeCause.ROTATE_GROUP, null, latest.spec()), false);
    }

    /** A new key pair for one host, after its key was exposed. */
    public Accepted rotateHost(GroupName group, HostName host, Precondition precondition) {
        HostGroupChanged latest = existing(group);
        if (latest.spec().host(host).isEmpty()) {
            throw RequestRejected.notFound(latest.revision(), new Problem("host", quote(host.value()),
                    "group " + quote(group.value()) + " has no host " + quote(host.value())));
        }
        check(precondition, group, latest);
        return new Accepted(change(group, latest, ChangeCause.ROTATE_HOST, host, latest.spec()), false);
    }

    /** New preshared keys for every pair of the group, and no new key pair. */
    public Accepted rotatePresharedKeys(GroupName group, Precondition precondition) {
        HostGroupChanged latest = existing(group);
        check(precondition, group, latest);
        if (!latest.spec().presharedKeys()) {
            throw new RequestRejected(409, "No preshared keys", latest.revision(), List.of(new Problem("presharedKeys",
                    "false", "group " + quote(group.value()) + " uses no preshared keys; set \"presharedKeys\": true first")));
        }
        return new Accepted(change(group, latest, ChangeCause.ROTATE_PRESHARED_KEYS, null, latest.spec()), false);
    }

    /**
     * Takes a host out of its group: it leaves the spec (so no other host lists its key and its own files are
     * removed), every pair gets new preshared keys, and it is named as revoked until a change declares it again.
     */
    public Accepted revoke(GroupName group, HostName host, Precondition precondition) {
        HostGroupChanged latest = existing(group);
        if (latest.spec().host(host).isEmpty()) {
            throw RequestRejected.notFound(latest.revision(), new Problem("host", quote(host.value()),
                    "group " + quote(group.value()) + " has no host " + quote(host.value())));
        }
        check(precondition, group, latest);
        if (latest.spec().hosts().size() == 1) {
            throw new RequestRejected(409, "Last host", latest.revision(), List.of(new Problem("host", quote(host.value()),
                    "revoking the group's only host would leave no group; delete the group instead")));
        }
        HostGroupSpec spec = latest.spec().withHosts(latest.spec().hosts().stream()
                .filter(member -> !member.name().equals(host)).toList());
        List<HostName> revoked = new ArrayList<>(latest.revoked());
        revoked.add(host);
        return new Accepted(change(group, latest, ChangeCause.REVOKE, null, spec, revoked), false);
    }

    /** The group as it is now. */
    public HostGroupChanged get(GroupName group) {
        return existing(group);
    }

    /** The group's revision, 0 when it does not exist. */
    public long currentRevision(GroupName group) {
        return store.current(group).map(HostGroupChanged::revision).orElse(0L);
    }

    /**
     * The counts over all groups, with the changes decided before in the same transaction. Replicas that decide groups of
     * different partitions at the same moment may each take the last place, so a limit can be passed by
     * one change per replica, never more.
     */
    private void checkQuotas(GroupName group, boolean created, HostGroupSpec spec, List<HostGroupChanged> decidedBefore) {
        Map<GroupName, HostGroupChanged> current = new HashMap<>();
        store.currentGroups().forEach(change -> current.put(change.group(), change));
        decidedBefore.forEach(change -> {
            if (change.deleted()) {
                current.remove(change.group());
            } else {
                current.put(change.group(), change);
            }
        });
        Collection<HostGroupChanged> groups = current.values();
        if (created && groups.size() >= quotas.maxGroups()) {
            throw RequestRejected.quotaExceeded(currentRevision(group), new Problem("group", quote(group.value()),
                    "there are " + groups.size() + " groups already, and wgmesh.max-groups allows " + quotas.maxGroups()
                            + "; delete a group first"));
        }
        int others = groups.stream().filter(other -> !other.group().equals(group))
                .mapToInt(other -> other.spec().hosts().size()).sum();
        int total = others + spec.hosts().size();
        if (total > quotas.maxHostsTotal()) {
            throw RequestRejected.quotaExceeded(currentRevision(group), new Problem("hosts", null, "the group's "
                    + spec.hosts().size() + " hosts and the other groups' " + others + " would make " + total
                    + ", above the " + quotas.maxHostsTotal() + " that wgmesh.max-hosts-total allows"));
        }
    }

    private HostGroupParser.Result parse(GroupName group, JsonNode body) {
        HostGroupParser.Result parsed = HostGroupParser.parse(body, OWN_FIELDS);
        List<Problem> problems = new ArrayList<>(parsed.problems());
        if (body != null && body.isObject()) {
            checkName(group, body.get("name"), problems);
        }
        if (!problems.isEmpty()) {
            throw RequestRejected.badRequest(currentRevision(group), problems);
        }
        return parsed;
    }

    private HostGroupChanged existing(GroupName group) {
        return store.current(group).orElseThrow(() -> RequestRejected.notFound(0, new Problem("group",
                quote(group.value()), "there is no group " + quote(group.value()))));
    }

    private static void check(Precondition precondition, GroupName group, HostGroupChanged latest) {
        if (precondition == null) {
            return;
        }
        if (latest == null || latest.deleted()) {
            throw RequestRejected.preconditionFailed(0, new Problem(precondition.field(), precondition.sent(),
                    "group " + quote(group.value()) + " does not exist, so it is at no revision"));
        }
        if (precondition.revision() != null && precondition.revision() != latest.revision()) {
            throw RequestRejected.preconditionFailed(latest.revision(), new Problem(precondition.field(),
                    precondition.sent(), "group " + quote(group.value()) + " is at revision " + latest.revision()
                            + "; read it again and retry"));
        }
    }

    private static void checkName(GroupName group, JsonNode name, List<Problem> problems) {
        if (name != null && !name.isNull() && !(name.isString() && name.stringValue().equals(group.value()))) {
            problems.add(new Problem("name", name.toString(), "must be " + quote(group.value())
                    + ", the group's name in the request path or record key, or be left out"));
        }
    }

    /** A change that keeps the group's revoked hosts as they are. */
    private HostGroupChanged change(GroupName group, HostGroupChanged latest, ChangeCause cause, HostName rotated,
                                    HostGroupSpec spec) {
        return change(group, latest, cause, rotated, spec, latest == null || spec == null ? List.of() : latest.revoked());
    }

    private HostGroupChanged change(GroupName group, HostGroupChanged latest, ChangeCause cause, HostName rotated,
                                    HostGroupSpec spec, List<HostName> revoked) {
        UUID id = UUID.randomUUID();
        long revision = (latest == null ? 0 : latest.revision()) + 1;
        // this change starts a chain, so its own id is the correlation id every later event carries
        return new HostGroupChanged(id, group, revision, clock.instant(), id, cause, rotated, spec, null, revoked);
    }

    private static String quote(String value) {
        return InvalidValueException.quote(value);
    }
}
