package dev.wgmesh.deployer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class OutputTailTest {

    private static final Executor READER = command -> {
        Thread thread = new Thread(command);
        thread.setDaemon(true);
        thread.start();
    };

    @Test
    void keepsOnlyTheLast64KbFromTheStartOfALine() throws Exception {
        StringBuilder output = new StringBuilder();
        for (int line = 1; line <= 200_000; line++) {
            output.append("line ").append(line).append('\n');
        }
        byte[] bytes = output.toString().getBytes(StandardCharsets.UTF_8);

        OutputTail tail = new OutputTail(new ByteArrayInputStream(bytes), READER);
        String text = tail.text(Duration.ofSeconds(10));

        assertThat(tail.total()).isEqualTo(bytes.length);
        assertThat(text.length()).isLessThanOrEqualTo(OutputTail.LIMIT);
        assertThat(text).startsWith("line ").endsWith("line 200000\n").doesNotContain("line 1\n");
        assertThat(output.toString()).endsWith(text);
        assertThat(text.length()).isGreaterThan(OutputTail.LIMIT - 20);
    }

    @Test
    void aShortOutputIsKeptWhole() throws Exception {
        OutputTail tail = new OutputTail(new ByteArrayInputStream("one\ntwo".getBytes(StandardCharsets.UTF_8)), READER);

        assertThat(tail.text(Duration.ofSeconds(10))).isEqualTo("one\ntwo");
    }

    @Test
    void anOutputThatStaysOpenGivesWhatCameWithinTheGrace() throws Exception {
        // a process that printed a line and then holds its output open without writing
        InputStream open = new InputStream() {
            private boolean printed;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (!printed) {
                    printed = true;
                    byte[] line = "so far\n".getBytes(StandardCharsets.UTF_8);
                    System.arraycopy(line, 0, buffer, offset, line.length);
                    return line.length;
                }
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return -1;
            }
        };
        OutputTail tail = new OutputTail(open, READER);

        assertThat(tail.text(Duration.ofMillis(300))).isEqualTo("so far\n");
    }
}
