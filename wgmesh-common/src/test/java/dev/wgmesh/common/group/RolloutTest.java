package dev.wgmesh.common.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.wgmesh.common.events.EventJson;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RolloutTest {

    private static final List<HostName> TEN = IntStream.rangeClosed(1, 10)
            .mapToObj(i -> HostName.parse("h" + i)).toList();

    @Test
    void wavesTakeTheDefaultsOfEveryFieldLeftOut() {
        List<Problem> problems = new ArrayList<>();

        Rollout rollout = Rollout.parse(EventJson.tree("{\"strategy\": \"waves\"}".getBytes()), problems);

        assertThat(problems).isEmpty();
        assertThat(rollout).isEqualTo(new Rollout(Rollout.Strategy.WAVES, 1, new Rollout.WaveSize(25, true), 60,
                Rollout.OnFailure.ROLLBACK));
        assertThat(Rollout.parse(null, problems)).isEqualTo(Rollout.ALL_AT_ONCE);
        assertThat(Rollout.parse(EventJson.tree("{\"strategy\": \"all-at-once\", \"canary\": 3}".getBytes()), problems))
                .isEqualTo(Rollout.ALL_AT_ONCE);
    }

    @Test
    void theCanaryComesFirstThenWavesOfTheirSize() {
        Rollout quarter = new Rollout(Rollout.Strategy.WAVES, 1, new Rollout.WaveSize(25, true), 60, Rollout.OnFailure.PAUSE);
        Rollout pairs = new Rollout(Rollout.Strategy.WAVES, 0, new Rollout.WaveSize(2, false), 60, Rollout.OnFailure.PAUSE);

        assertThat(quarter.waves(TEN)).extracting(List::size).containsExactly(1, 3, 3, 3);
        assertThat(quarter.waves(TEN).get(0)).containsExactly(TEN.get(0));
        assertThat(quarter.waves(TEN).stream().flatMap(List::stream).toList()).isEqualTo(TEN);
        assertThat(pairs.waves(TEN)).extracting(List::size).containsExactly(2, 2, 2, 2, 2);
        assertThat(quarter.waves(TEN.subList(0, 1))).containsExactly(List.of(TEN.get(0)));
    }

    @Test
    void aGroupFileSettingRoundTripsAsItWasWritten() {
        List<Problem> problems = new ArrayList<>();
        Rollout rollout = Rollout.parse(EventJson.tree("""
                {"strategy": "waves", "canary": 2, "waveSize": 3, "gateSeconds": 30, "onFailure": "pause"}""".getBytes()),
                problems);

        String json = new String(EventJson.write(rollout));

        assertThat(json).isEqualTo("{\"strategy\":\"waves\",\"canary\":2,\"waveSize\":\"3\",\"gateSeconds\":30,"
                + "\"onFailure\":\"pause\"}");
        assertThat(EventJson.read(json.getBytes(), Rollout.class)).isEqualTo(rollout);
    }

    @Test
    void everyBadValueIsAProblemNamingTheFieldAndQuotingTheValue() {
        List<Problem> problems = new ArrayList<>();

        Rollout rollout = Rollout.parse(EventJson.tree("""
                {"strategy": "slowly", "canary": -1, "waveSize": "150%", "gateSeconds": 2, "onFailure": "retry",
                 "waves": 3}""".getBytes()), problems);

        assertThat(rollout).isEqualTo(Rollout.ALL_AT_ONCE);
        assertThat(problems).extracting(Problem::field, Problem::value).containsExactlyInAnyOrder(
                tuple("rollout.waves", null),
                tuple("rollout.strategy", "\"slowly\""),
                tuple("rollout.canary", "-1"),
                tuple("rollout.waveSize", "\"150%\""),
                tuple("rollout.gateSeconds", "2"),
                tuple("rollout.onFailure", "\"retry\""));
        List<Problem> notAnObject = new ArrayList<>();
        Rollout.parse(EventJson.tree("\"waves\"".getBytes()), notAnObject);
        assertThat(notAnObject).extracting(Problem::field).containsExactly("rollout");
    }
}
