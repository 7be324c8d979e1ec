package dev.wgmesh.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.InvalidEventException;
import dev.wgmesh.common.trust.UntrustedRecordException;
import dev.wgmesh.common.wireguard.InvalidValueException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

/** Which failures say a record can never succeed: those go to the DLT at once, the others are retried. */
class DeadLettersTest {

    @Test
    void aRecordThatCannotBeReadOrBelievedIsInvalidEvenWrapped() {
        assertThat(DeadLetters.invalid(new InvalidEventException("not a valid HostGroupChanged"))).isTrue();
        assertThat(DeadLetters.invalid(new UntrustedRecordException("unsigned"))).isTrue();
        assertThat(DeadLetters.invalid(new InvalidValueException("host bits set"))).isTrue();
        assertThat(DeadLetters.invalid(new ListenerExecutionFailedException("listener failed",
                new InvalidEventException("wrong shape")))).isTrue();
    }

    @Test
    void aBrokerAwayOrABugIsNotTheRecordsFault() {
        assertThat(DeadLetters.invalid(new KafkaException("send failed", new TimeoutException("no broker")))).isFalse();
        assertThat(DeadLetters.invalid(new IllegalStateException("a bug"))).isFalse();
    }
}
