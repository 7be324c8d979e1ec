package dev.wgmesh.common.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicNamesTest {

    @Test
    void withoutAPrefixEveryNameIsTheLogicalOne() {
        TopicNames names = new TopicNames("");

        assertThat(names.of(Topics.HOST_GROUP_CHANGED)).isEqualTo("wgmesh.host-group-changed");
        assertThat(names.logical("wgmesh.host-group-changed")).contains(Topics.HOST_GROUP_CHANGED);
    }

    @Test
    void aPrefixGoesBeforeTopicsGroupsAndTransactionalIdsAndComesOffForTheLogicalName() {
        TopicNames names = new TopicNames("team-a.");

        assertThat(names.of(Topics.HOST_GROUP_CHANGED)).isEqualTo("team-a.wgmesh.host-group-changed");
        assertThat(names.of(Topics.deadLetter(Topics.HOST_GROUP_CHANGED))).isEqualTo("team-a.wgmesh.host-group-changed-dlt");
        assertThat(Topics.deadLetter(names.of(Topics.HOST_GROUP_CHANGED))).isEqualTo(names.of(Topics.deadLetter(Topics.HOST_GROUP_CHANGED)));
        assertThat(names.of("wgmesh-keygen")).isEqualTo("team-a.wgmesh-keygen");
        assertThat(names.logical("team-a.wgmesh.host-group-changed")).contains(Topics.HOST_GROUP_CHANGED);
        // another installation's topic
        assertThat(names.logical("wgmesh.host-group-changed")).isEmpty();
        assertThat(names.logical("team-b.wgmesh.host-group-changed")).isEmpty();
    }

    @Test
    void aPrefixWithACharacterKafkaRefusesInATopicNameStopsTheStartNamingTheSettingAndQuotingIt() {
        for (String bad : new String[] {"team a.", "team/a.", "tëam.", "a\nb", "x,y"}) {
            assertThatThrownBy(() -> new TopicNames(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("wgmesh.kafka.topic-prefix (env WGMESH_TOPIC_PREFIX) is \"")
                    .hasMessageContaining("a-z, A-Z, 0-9, '.', '_' and '-'");
        }
        assertThatThrownBy(() -> new TopicNames("a\nb")).hasMessageContaining("\"a\\nb\"");
        assertThatThrownBy(() -> new TopicNames(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new TopicNames("Team_A-2.").prefix()).isEqualTo("Team_A-2.");
    }

    @Test
    void aPrefixMayMakeNoTopicNameLongerThanKafkaAllows() {
        int longest = Topics.ALL.stream().mapToInt(spec -> spec.name().length()).max().orElseThrow();
        String longestAllowed = "p".repeat(TopicNames.MAX_TOPIC_LENGTH - longest);

        assertThat(Topics.ALL).allSatisfy(spec ->
                assertThat(new TopicNames(longestAllowed).of(spec.name()).length()).isLessThanOrEqualTo(249));
        assertThatThrownBy(() -> new TopicNames(longestAllowed + "p")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("wgmesh.kafka.topic-prefix (env WGMESH_TOPIC_PREFIX) is \"ppp")
                .hasMessageContaining("wgmesh.host-group-keys-generated-dlt would be longer than the 249 characters"
                        + " Kafka allows; at most " + (249 - longest));
    }
}
