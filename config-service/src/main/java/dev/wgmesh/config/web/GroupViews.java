package dev.wgmesh.config.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.KeyRotation;
import dev.wgmesh.common.group.Rollout;
import dev.wgmesh.common.wireguard.Cidr;
import java.time.Duration;
import java.util.List;

/** The API's JSON forms; a group's form is also a valid PUT body. */
final class GroupViews {

    private GroupViews() {
    }

    /**
     * The group as declared, hosts in slot order in wgmesh's own form, with its name, revision and who made
     * that revision ({@code changedBy}: {@code api@<address>} or {@code automation}), and the hosts revoked
     * from it ({@code revoked}, left out when none; like name, revision and changedBy, a PUT ignores it).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record GroupView(String name, long revision, String changedBy, String topology, String tunnelNetwork, Integer mtu,
                     Integer persistentKeepalive, boolean presharedKeys, boolean allowBroadRoutes, String driftPolicy,
                     KeyRotationView keyRotation, Rollout rollout, List<HostView> hosts,
                     @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> revoked) {

        static GroupView of(HostGroupChanged change) {
            HostGroupSpec spec = change.spec();
            return new GroupView(change.group().value(), change.revision(), actor(change), spec.topology().json(),
                    spec.tunnelNetwork() == null ? null : spec.tunnelNetwork().toString(), spec.mtu(),
                    spec.persistentKeepalive(), spec.presharedKeys(), spec.allowBroadRoutes(), spec.driftPolicy().json(),
                    KeyRotationView.of(spec.keyRotation()), spec.rollout(), spec.hosts().stream().map(HostView::of).toList(),
                    change.revoked().stream().map(HostName::value).toList());
        }
    }

    /** The schedule in days where it is whole days ({@code P180D}, as people write it), else as Java prints it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record KeyRotationView(String hostKeyMaxAge, String presharedKeyMaxAge) {

        static KeyRotationView of(KeyRotation rotation) {
            return rotation == null ? null
                    : new KeyRotationView(text(rotation.hostKeyMaxAge()), text(rotation.presharedKeyMaxAge()));
        }

        private static String text(Duration age) {
            if (age == null) {
                return null;
            }
            return age.toSecondsPart() == 0 && age.toMinutesPart() == 0 && age.toHoursPart() == 0 && age.toNanosPart() == 0
                    ? "P" + age.toDays() + "D" : age.toString();
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record HostView(String name, String endpoint, List<String> internalNetworks, String tunnelSegment,
                    String interfaceSuffix, String os) {

        static HostView of(Host host) {
            return new HostView(host.name().value(), host.endpoint().toString(),
                    host.internalNetworks().stream().map(Cidr::toString).toList(),
                    host.tunnelSegment() == null ? null : host.tunnelSegment().toString(),
                    host.interfaceSuffix(), host.os().json());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record GroupSummary(String name, long revision, String changedBy, String topology, int hostCount) {

        static GroupSummary of(HostGroupChanged change) {
            return new GroupSummary(change.group().value(), change.revision(), actor(change),
                    change.spec().topology().json(), change.spec().hosts().size());
        }
    }

    private static String actor(HostGroupChanged change) {
        return change.actor() == null ? null : change.actor().value();
    }

    record RevisionView(String name, long revision) {

        static RevisionView of(HostGroupChanged change) {
            return new RevisionView(change.group().value(), change.revision());
        }
    }
}
