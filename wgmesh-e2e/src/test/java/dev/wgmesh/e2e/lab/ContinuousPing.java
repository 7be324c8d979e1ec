package dev.wgmesh.e2e.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ping every 10 ms along each of a set of tunnels for a fixed time, as the key-lifecycle proof asks: one
 * {@code ping -c} per link, so every packet sent is waited for, and the counts come from ping's own summary.
 */
public final class ContinuousPing implements AutoCloseable {

    /** What one link lost: packets sent and answered. */
    public record Loss(long transmitted, long received) {
        public long lost() {
            return transmitted - received;
        }
    }

    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) (?:packets )?received");
    private static final Duration INTERVAL = Duration.ofMillis(10);

    private final Map<String, Process> pings = new LinkedHashMap<>();
    private final Duration deadline;

    /** @param links a name per link ("a -> b") and the (host, address) it pings from and to */
    public ContinuousPing(Lab lab, Map<String, String[]> links, Duration length) throws IOException {
        this.deadline = length.multipliedBy(2);
        long count = length.toMillis() / INTERVAL.toMillis();
        for (Map.Entry<String, String[]> link : links.entrySet()) {
            // with a deadline ping waits for the answers until count of them came (sending on for any lost) or the
            // deadline passed: without one it waited two round trips after its last packet, and a busy machine made
            // that last answer late and could count it lost (CI once counted 1 of 84,000 lost). Twice the length: 28 pings on two
            // cores send slower than every 10 ms (3,000 took some 45 s), and the deadline must not cut them short.
            pings.put(link.getKey(), lab.spawn(link.getValue()[0], "ping", "-n", "-q", "-i", "0.01", "-W", "1",
                    "-c", Long.toString(count), "-w", Long.toString(deadline.toSeconds()), link.getValue()[1]));
        }
    }

    /** Waits for every ping to end (its answers all came, or twice the length given) and returns each link's counts. */
    public Map<String, Loss> await() throws IOException, InterruptedException {
        Map<String, Loss> losses = new LinkedHashMap<>();
        for (Map.Entry<String, Process> ping : pings.entrySet()) {
            Process process = ping.getValue();
            if (!process.waitFor(deadline.toSeconds() + 10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the ping along " + ping.getKey() + " did not end");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher summary = SUMMARY.matcher(output);
            if (!summary.find()) {
                throw new IllegalStateException("no summary from the ping along " + ping.getKey() + ": " + output);
            }
            losses.put(ping.getKey(), new Loss(Long.parseLong(summary.group(1)), Long.parseLong(summary.group(2))));
        }
        return losses;
    }

    @Override
    public void close() {
        pings.values().forEach(Process::destroyForcibly);
    }
}
