package dev.wgmesh.deployer.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParsedValuesTest {

    private final AtomicInteger parses = new AtomicInteger();
    private final ParsedValues<Endpoint> endpoints = new ParsedValues<>(text -> {
        parses.incrementAndGet();
        return Endpoint.parse(text);
    }, 2);

    @Test
    void aTextIsParsedOnceAndGivesTheSameValue() {
        Endpoint first = endpoints.parse("192.0.2.1:51820");

        assertThat(endpoints.parse("192.0.2.1:51820")).isSameAs(first).isEqualTo(Endpoint.parse("192.0.2.1:51820"));
        assertThat(parses).hasValue(1);
    }

    @Test
    void textThatDoesNotParseFailsEveryTimeAndIsNotKept() {
        assertThatThrownBy(() -> endpoints.parse("192.0.2.256:51820")).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> endpoints.parse("192.0.2.256:51820")).isInstanceOf(InvalidValueException.class);

        assertThat(parses).hasValue(2);
    }

    @Test
    void aLongTextIsParsedEveryTimeSoAHostileHostCannotFillMemory() {
        ParsedValues<String> routes = new ParsedValues<>(text -> {
            parses.incrementAndGet();
            return text;
        }, 1000);
        String longText = "10.0.0.0/24,".repeat(30);

        routes.parse(longText);
        routes.parse(longText);

        assertThat(longText.length()).isGreaterThan(ParsedValues.LONGEST_KEPT);
        assertThat(parses).hasValue(2);
    }

    @Test
    void whenFullItStartsAgainEmpty() {
        endpoints.parse("192.0.2.1:1");
        endpoints.parse("192.0.2.1:2");
        endpoints.parse("192.0.2.1:3");
        endpoints.parse("192.0.2.1:1");

        assertThat(parses).hasValue(4);
        assertThat(endpoints.parse("192.0.2.1:3").port()).isEqualTo(3);
    }
}
