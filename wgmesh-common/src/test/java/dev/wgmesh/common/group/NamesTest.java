package dev.wgmesh.common.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.wireguard.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "prod", "zima-0101", "eu-west-1"})
    void goodGroupNames(String name) {
        assertThat(GroupName.parse(name)).hasToString(name);
    }

    @Test
    void aGroupNameHasAtMost63Characters() {
        assertThat(GroupName.parse("g".repeat(63)).value()).hasSize(63);
        String tooLong = "g".repeat(64);
        assertThatThrownBy(() -> GroupName.parse(tooLong)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("\"" + tooLong + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-a", "Prod", "a_b", "a.b", "../x", "a/b", "..", ".", "grüppe", "a b", "a\nb",
            "a\\b", "a%2Fb"})
    void badGroupNamesAreRejectedQuotingThem(String name) {
        assertThatThrownBy(() -> GroupName.parse(name)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining(InvalidValueException.quote(name)).hasMessageContaining("group name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "hoster-zima-0101", "Node_1", "db.example.com", "9"})
    void goodHostNames(String name) {
        assertThat(HostName.parse(name)).hasToString(name);
    }

    @Test
    void aHostNameHasAtMost63Characters() {
        assertThat(HostName.parse("h".repeat(63)).value()).hasSize(63);
        String tooLong = "h".repeat(64);
        assertThatThrownBy(() -> HostName.parse(tooLong)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("\"" + tooLong + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../x", "..", ".", ".hidden", "a/b", "a\\b", "-a", "_a", "hôst", "主机", "a b",
            "a\nb", "a:b", "a\u0000b"})
    void badHostNamesAreRejectedQuotingThem(String name) {
        assertThatThrownBy(() -> HostName.parse(name)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining(InvalidValueException.quote(name)).hasMessageContaining("host name");
    }

    @Test
    void nullNamesAreRejected() {
        assertThatThrownBy(() -> GroupName.parse(null)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> HostName.parse(null)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void hostNamesSortByText() {
        assertThat(HostName.parse("a")).isLessThan(HostName.parse("b"));
    }
}
