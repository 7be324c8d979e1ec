package dev.wgmesh.common.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.render.HostFiles;
import dev.wgmesh.common.testing.TestGroups;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The group setting "driftPolicy", from the request body to the record a deployer reads. */
class DriftPolicyTest {

    private static HostGroupParser.Result parse(String policy) {
        String json = TestGroups.hosterJson(3);
        if (policy != null) {
            json = "{\"driftPolicy\": " + policy + ", " + json.substring(1);
        }
        return HostGroupParser.parse(EventJson.tree(json.getBytes()), Set.of());
    }

    @Test
    void repairIsTheDefault() {
        assertThat(parse(null).spec().driftPolicy()).isEqualTo(DriftPolicy.REPAIR);
        assertThat(parse("null").spec().driftPolicy()).isEqualTo(DriftPolicy.REPAIR);
        assertThat(parse("\"repair\"").spec().driftPolicy()).isEqualTo(DriftPolicy.REPAIR);
    }

    @Test
    void aBadValueIsAProblemNamingTheFieldAndQuotingTheValue() {
        for (String bad : List.of("\"Repair\"", "\"fix\"", "1", "true", "[]", "\"\"")) {
            HostGroupParser.Result result = parse(bad);

            assertThat(result.ok()).as(bad).isFalse();
            assertThat(result.problems()).singleElement().satisfies(problem -> {
                assertThat(problem.field()).isEqualTo("driftPolicy");
                assertThat(problem.value()).isEqualTo(bad);
                assertThat(problem.message()).contains("\"repair\" or \"report\"");
            });
        }
    }

    @Test
    void reportTravelsFromTheChangeThroughTheKeysToEveryHostsRenderedRecord() {
        HostGroupSpec spec = parse("\"report\"").spec();
        assertThat(spec.driftPolicy()).isEqualTo(DriftPolicy.REPORT);
        HostGroupChanged changed = new HostGroupChanged(UUID.randomUUID(), GroupName.parse("g"), 1, Instant.now(),
                UUID.randomUUID(), dev.wgmesh.common.events.ChangeCause.UPSERT, null, spec, null);
        HostGroupSpec read = EventJson.read(EventJson.write(changed), HostGroupChanged.class).spec();
        assertThat(read.driftPolicy()).isEqualTo(DriftPolicy.REPORT);

        HostGroupKeysGenerated keyed = TestGroups.keyed("g", 1, read).event();
        HostGroupKeysGenerated keyedRead = EventJson.read(EventJson.write(keyed), HostGroupKeysGenerated.class);
        for (HostFiles files : GroupRenderer.render(keyedRead).values()) {
            HostConfigRendered rendered = files.asEvent(UUID.randomUUID(), keyedRead, Instant.now(), null);
            assertThat(EventJson.read(EventJson.write(rendered), HostConfigRendered.class).driftPolicy())
                    .isEqualTo(DriftPolicy.REPORT);
        }
    }

    @Test
    void aChangeOfPolicyAloneChangesTheHashesSoTheDeployersHearOfIt() {
        HostGroupSpec repair = parse(null).spec();
        HostGroupSpec report = parse("\"report\"").spec();
        TestGroups.Keyed keyed = TestGroups.keyed("g", 1, repair);
        HostGroupKeysGenerated asReport = new HostGroupKeysGenerated(UUID.randomUUID(), keyed.event().group(), 2,
                Instant.now(), UUID.randomUUID(), keyed.event().cause(), report, keyed.event().hosts(),
                keyed.event().presharedKeySeed());

        var before = GroupRenderer.render(keyed.event());
        var after = GroupRenderer.render(asReport);

        before.forEach((host, files) -> assertThat(after.get(host).contentHash()).isNotEqualTo(files.contentHash()));
    }

    @Test
    void recordsWrittenBeforeTheSettingReadAsRepair() {
        HostGroupSpec spec = parse(null).spec();
        HostGroupKeysGenerated keyed = TestGroups.keyed("g", 1, spec).event();
        HostFiles files = GroupRenderer.render(keyed).values().iterator().next();
        ObjectNode rendered = (ObjectNode) EventJson.tree(EventJson.write(
                files.asEvent(UUID.randomUUID(), keyed, Instant.now(), null)));
        rendered.remove("driftPolicy");
        ObjectNode keys = (ObjectNode) EventJson.tree(EventJson.write(keyed));
        ((ObjectNode) keys.get("spec")).remove("driftPolicy");

        assertThat(EventJson.read(EventJson.write(rendered), HostConfigRendered.class).driftPolicy())
                .isEqualTo(DriftPolicy.REPAIR);
        assertThat(EventJson.read(EventJson.write(keys), HostGroupKeysGenerated.class).spec().driftPolicy())
                .isEqualTo(DriftPolicy.REPAIR);
    }
}
