package dev.wgmesh.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.events.EventJson;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;
import tools.jackson.databind.JsonNode;

/** Tables, problems, durations, the output formats and the one-line forms of status and events. */
class FormatsTest {

    private static JsonNode json(String text) {
        return EventJson.mapper().readTree(text);
    }

    @Test
    void tablesAlignTheirColumnsAndShowEmptyCellsAsDashes() {
        String table = new Table("NAME", "REVISION", "CHANGED-BY").row("seed", 12, "api@127.0.0.1").row("a-longer-name", 3, null)
                .toString();
        assertThat(table.lines()).containsExactly(
                "NAME           REVISION  CHANGED-BY",
                "seed           12        api@127.0.0.1",
                "a-longer-name  3         -");
        assertThatThrownBy(() -> new Table("A", "B").row("only one")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void problemsAreOneLinePerProblemWithFieldMessageAndValue() {
        JsonNode problem = json("""
                {"type":"about:blank","title":"Invalid group","status":400,"detail":"2 problems",
                 "errors":[{"field":"hosts[0].endpoint","value":"\\"192.0.2.1:99999\\"","message":"port must be 1..65535"},
                           {"field":"mtu","message":"is required"}]}""");
        assertThat(Problems.render(400, problem).lines()).containsExactly(
                "refused: 400 Invalid group: 2 problems",
                "  hosts[0].endpoint: port must be 1..65535 (given: \"192.0.2.1:99999\")",
                "  mtu: is required");
        assertThat(Problems.render(502, null)).isEqualTo("refused: 502 (the answer had no problem document)");
        JsonNode unauthorized = json("""
                {"title":"Unauthorized","status":401,"errors":[{"field":"Authorization","message":"this call needs the API token"}]}""");
        assertThat(Problems.render(401, unauthorized).lines()).containsExactly("refused: 401 Unauthorized",
                "  Authorization: this call needs the API token",
                "  the API token: --token, WGMESH_TOKEN, or run beside ./wgmesh up (wgmesh-data/api-token)");
    }

    @Test
    void durationsAreShortOrIso() {
        DurationConverter converter = new DurationConverter();
        assertThat(converter.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("PT2M")).isEqualTo(Duration.ofMinutes(2));
        for (String bad : new String[] {"-5s", "5 minutes", "", "PT-1S", "5d"}) {
            assertThatThrownBy(() -> converter.convert(bad)).as(bad).isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("is not a duration");
        }
    }

    @Test
    void jsonAndYamlAreTheAnswerAsItIs() {
        JsonNode group = json("{\"name\":\"seed\",\"revision\":3,\"hosts\":[{\"name\":\"h1\",\"internalNetworks\":[\"10.0.0.0/24\"]}]}");
        assertThat(json(Output.write(Output.json, group))).isEqualTo(group);
        String yaml = Output.write(Output.yaml, group);
        assertThat(yaml).startsWith("name: \"seed\"").doesNotContain("---");
        assertThat(Output.YAML.readTree(yaml)).isEqualTo(group);
    }

    @Test
    void theStatusLineCountsAppliedAndFailedHosts() {
        JsonNode status = json("""
                {"name":"seed","revision":4,"converged":false,"hosts":[
                 {"host":"a","state":"APPLIED"},{"host":"b","state":"APPLIED"},{"host":"c","state":"PENDING"},
                 {"host":"d","state":"FAILED","reason":"ssh: no route"}]}""");
        StatusCommand.Summary summary = StatusCommand.Summary.of(status);
        assertThat(summary.line()).isEqualTo("seed rev 4: 2/4 applied, 1 failed");
        assertThat(summary.failed()).isEqualTo(1);
        assertThat(StatusCommand.Summary.of(json("{\"name\":\"seed\",\"revision\":5,\"converged\":true,"
                + "\"hosts\":[{\"host\":\"a\",\"state\":\"APPLIED\"}]}")).line()).isEqualTo("seed rev 5: 1/1 applied, 0 failed, converged");
    }

    @Test
    void anEventIsOneLine() {
        JsonNode report = json("""
                {"topic":"wgmesh.deployment-reported","partition":3,"offset":7,"key":"seed/h1","timestamp":"2026-12-05T12:00:00Z",
                 "headers":{"ce_type":"x"},"value":{"group":"seed","host":"h1","revision":4,"outcome":"APPLIED","replica":"deployer-1"}}""");
        assertThat(EventsCommand.format(Output.table, report))
                .isEqualTo("2026-12-05T12:00:00Z deployment-reported seed/h1 rev=4 outcome=APPLIED");
        assertThat(EventsCommand.format(Output.json, report)).doesNotContain("\n").isEqualTo(report.toString());
        JsonNode tombstone = json("{\"topic\":\"wgmesh.host-group-changed\",\"key\":\"seed\",\"timestamp\":\"t\",\"value\":null}");
        assertThat(EventsCommand.format(Output.table, tombstone)).isEqualTo("t host-group-changed seed (tombstone)");
    }

    @Test
    void healthIsALineAndATableOfLinks() {
        JsonNode health = json("""
                {"group":"seed","healthy":false,"links":{"up":1,"total":2},"hosts":[
                 {"host":"a","drift":"IN_SYNC","observedAt":"t1","links":[{"peer":"b","state":"UP","latestHandshake":"t0","rxBytes":10,"txBytes":20}]},
                 {"host":"b","drift":"MISSING","observedAt":"t2","links":[]}]}""");
        assertThat(HealthCommand.line(health)).isEqualTo("seed: NOT healthy, 1/2 links up");
        assertThat(HealthCommand.table(health).lines()).containsExactly(
                "HOST  DRIFT    OBSERVED  PEER  STATE  HANDSHAKE  RX  TX",
                "a     IN_SYNC  t1        b     UP     t0         10  20",
                "b     MISSING  t2        -     -      -          -   -");
    }
}
