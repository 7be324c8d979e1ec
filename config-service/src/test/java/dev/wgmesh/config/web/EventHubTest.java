package dev.wgmesh.config.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventHubTest {

    /** Runs drains only when the test says so, so a client can be made slow. */
    static final class ManualExecutor extends AbstractExecutorService {
        final List<Runnable> tasks = new ArrayList<>();

        void runAll() {
            while (!tasks.isEmpty()) {
                tasks.remove(0).run();
            }
        }

        @Override public void execute(Runnable command) { tasks.add(command); }
        @Override public void shutdown() { }
        @Override public List<Runnable> shutdownNow() { return List.of(); }
        @Override public boolean isShutdown() { return false; }
        @Override public boolean isTerminated() { return false; }
        @Override public boolean awaitTermination(long timeout, TimeUnit unit) { return true; }
    }

    static final class ListSink implements EventHub.Sink {
        final List<String> sent = new ArrayList<>();
        boolean closed;
        boolean broken;

        @Override
        public void send(FeedEvent event) throws IOException {
            if (broken) {
                throw new IOException("broken pipe");
            }
            sent.add(event.id());
        }

        @Override
        public void heartbeat() throws IOException {
            if (broken) {
                throw new IOException("broken pipe");
            }
            sent.add("heartbeat");
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final ManualExecutor executor = new ManualExecutor();
    private final EventHub hub = new EventHub(executor, 3, 5);

    @Test
    void everyClientGetsTheEventsOfItsFilterInOrder() {
        ListSink all = new ListSink();
        ListSink seed = new ListSink();
        ListSink host = new ListSink();
        hub.subscribe(all, null, null, false);
        hub.subscribe(seed, "seed", null, false);
        hub.subscribe(host, "seed", "node-2", false);

        hub.publish(event("1", "seed", null));
        hub.publish(event("2", "seed", "node-1"));
        hub.publish(event("3", "other", "node-2"));
        hub.publish(event("4", "seed", "node-2"));
        executor.runAll();

        assertThat(all.sent).containsExactly("1", "2", "3", "4");
        assertThat(seed.sent).containsExactly("1", "2", "4");
        assertThat(host.sent).containsExactly("4");
    }

    @Test
    void aSlowClientIsDroppedAndTheOthersKeepGoing() {
        ListSink slow = new ListSink();
        hub.subscribe(slow, null, null, false);
        for (int i = 1; i <= 6; i++) {
            hub.publish(event(String.valueOf(i), "seed", null));
        }
        ListSink fresh = new ListSink();
        hub.subscribe(fresh, null, null, false);
        hub.publish(event("7", "seed", null));
        executor.runAll();

        assertThat(slow.closed).isTrue();
        assertThat(slow.sent).isEmpty();
        assertThat(fresh.sent).containsExactly("7");
        assertThat(hub.clientCount()).isEqualTo(1);
    }

    @Test
    void aClientThatWentAwayIsForgottenOnTheNextSendOrHeartbeat() {
        ListSink gone = new ListSink();
        hub.subscribe(gone, null, null, false);
        gone.broken = true;
        hub.heartbeat();
        executor.runAll();
        assertThat(gone.closed).isTrue();
        assertThat(hub.clientCount()).isZero();
    }

    @Test
    void heartbeatsReachIdleClients() {
        ListSink idle = new ListSink();
        hub.subscribe(idle, null, null, false);
        hub.heartbeat();
        hub.heartbeat();
        executor.runAll();
        assertThat(idle.sent).containsExactly("heartbeat");
    }

    @Test
    void theNumberOfClientsIsBounded() {
        for (int i = 0; i < 3; i++) {
            hub.subscribe(new ListSink(), null, null, false);
        }
        assertThatThrownBy(() -> hub.subscribe(new ListSink(), null, null, false)).isInstanceOf(EventHub.TooManyClients.class);
        hub.closeAll();
        assertThat(hub.clientCount()).isZero();
        hub.subscribe(new ListSink(), null, null, false);
    }

    @Test
    void aClientWithHistoryGetsItFirstThenTheLiveEventsItDidNotSeeYet() {
        ListSink late = new ListSink();
        EventHub.Client client = hub.subscribe(late, "seed", null, true);
        // live while the history is read: the first of these the history reads too
        hub.publish(event("wgmesh.t-0-7", "seed", null));
        hub.publish(event("wgmesh.t-0-8", "seed", null));
        hub.publish(event("wgmesh.t-1-3", "other", null));
        executor.runAll();
        assertThat(late.sent).as("nothing live before the history").isEmpty();

        client.sendHistory(event("wgmesh.t-0-6", "seed", null));
        client.sendHistory(event("wgmesh.t-0-7", "seed", null));
        client.release(Map.of("wgmesh.t-0", 7L));
        executor.runAll();

        assertThat(late.sent).containsExactly("wgmesh.t-0-6", "wgmesh.t-0-7", "wgmesh.t-0-8");
    }

    @Test
    void theFeedReadsOnlyRecordsSomeClientWants() {
        assertThat(hub.wantsKey("seed/node-1")).as("no client").isFalse();
        hub.subscribe(new ListSink(), "seed", "node-1", false);
        assertThat(hub.wantsKey("seed/node-1")).isTrue();
        assertThat(hub.wantsKey("seed")).as("the group's records are not the host's").isFalse();
        assertThat(hub.wantsKey("seed/node-2")).isFalse();
        hub.subscribe(new ListSink(), "seed", null, false);
        assertThat(hub.wantsKey("seed")).isTrue();
        assertThat(hub.wantsKey("seeds/node-1")).isFalse();
        assertThat(hub.wantsKey(null)).isFalse();
        hub.subscribe(new ListSink(), null, null, false);
        assertThat(hub.wantsKey("other/node-9")).isTrue();
        assertThat(hub.wantsKey(null)).as("a dead letter may have no key").isTrue();
    }

    private static FeedEvent event(String id, String group, String host) {
        return new FeedEvent(id, group, host, "{}");
    }
}
