package dev.wgmesh.common.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRotationTest {

    @Test
    void readsIsoDurations() {
        List<Problem> problems = new ArrayList<>();

        KeyRotation rotation = KeyRotation.parse(EventJson.tree("""
                {"hostKeyMaxAge": "P180D", "presharedKeyMaxAge": "PT12H"}""".getBytes()), problems);

        assertThat(problems).isEmpty();
        assertThat(rotation).isEqualTo(new KeyRotation(Duration.ofDays(180), Duration.ofHours(12)));
        assertThat(KeyRotation.parse(EventJson.tree("{}".getBytes()), problems)).isEqualTo(new KeyRotation(null, null));
        assertThat(KeyRotation.parse(null, problems)).isNull();
    }

    @Test
    void everyBadValueIsAProblemNamingTheFieldAndQuotingTheValue() {
        List<Problem> problems = new ArrayList<>();

        KeyRotation rotation = KeyRotation.parse(EventJson.tree("""
                {"hostKeyMaxAge": "PT30S", "presharedKeyMaxAge": "monthly", "rotateDaily": true}""".getBytes()), problems);

        assertThat(rotation).isNull();
        assertThat(problems).extracting(Problem::field, Problem::value).containsExactlyInAnyOrder(
                tuple("keyRotation.rotateDaily", null),
                tuple("keyRotation.hostKeyMaxAge", "\"PT30S\""),
                tuple("keyRotation.presharedKeyMaxAge", "\"monthly\""));
        assertThat(problems).extracting(Problem::message).anyMatch(m -> m.contains("at least PT1M"));
        List<Problem> notAnObject = new ArrayList<>();
        KeyRotation.parse(EventJson.tree("\"P30D\"".getBytes()), notAnObject);
        assertThat(notAnObject).extracting(Problem::field).containsExactly("keyRotation");
        assertThatThrownBy(() -> new KeyRotation(Duration.ofSeconds(59), null)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("keyRotation.hostKeyMaxAge");
    }
}
