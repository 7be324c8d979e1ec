package dev.wgmesh.cli.up;

import dev.wgmesh.cli.process.ChildProcess;
import dev.wgmesh.cli.process.Processes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Keeps the processes of a run running: one that died is started again after its back-off ({@link RestartPolicy}),
 * and the others run on meanwhile, so a killed deployer's hosts move to its peers until it is back. A restart loop
 * ends the run: {@link #failure} then says which process, with its last log lines.
 */
final class Supervisor {

    static final int TAIL_LINES = 30;
    private static final Duration LOOK_EVERY = Duration.ofMillis(200);

    /** A watched process, and when it is due to start again (null while it runs). */
    private static final class Watched {
        final ChildProcess process;
        final RestartPolicy policy;
        Instant restartAt;

        Watched(ChildProcess process, RestartPolicy policy) {
            this.process = process;
            this.policy = policy;
        }
    }

    private final Clock clock;
    private final Consumer<String> log;
    private final List<Watched> watched = new CopyOnWriteArrayList<>();
    private volatile String failure;
    private volatile boolean running;
    private Thread thread;

    /** @param log where the restarts are told, one line each */
    Supervisor(Clock clock, Consumer<String> log) {
        this.clock = clock;
        this.log = log;
    }

    /** Watches a process that has just been started. */
    void watch(ChildProcess process) {
        watched.add(new Watched(process, new RestartPolicy(clock)));
    }

    /**
     * One look at every process: starts those whose back-off is over, and notes the ones that died. Nothing more
     * once a restart loop was found.
     */
    void check() {
        for (Watched one : watched) {
            if (failure != null) {
                return;
            }
            if (one.restartAt != null) {
                if (!clock.instant().isBefore(one.restartAt)) {
                    restart(one);
                }
            } else if (!one.process.isAlive()) {
                died(one);
            }
        }
    }

    private void died(Watched one) {
        int code = one.process.exitValue();
        Optional<Duration> delay = one.policy.died();
        if (delay.isEmpty()) {
            failure = one.process.name() + " died " + RestartPolicy.LOOP_DEATHS + " times within "
                    + RestartPolicy.LOOP_WINDOW.toSeconds() + " s (last exit code " + code + "), a restart loop; "
                    + "its last log lines (" + one.process.log() + "):\n"
                    + Processes.tail(one.process.log(), TAIL_LINES);
            return;
        }
        log.accept(one.process.name() + " exited (code " + code + "); restarting in " + delay.get().toSeconds() + " s");
        one.restartAt = clock.instant().plus(delay.get());
    }

    private void restart(Watched one) {
        one.restartAt = null;
        one.policy.started();
        try {
            one.process.start();
            log.accept("restarted " + one.process.name() + " (pid " + one.process.pid() + ")");
        } catch (RuntimeException e) {
            // the broker did not answer in time, say: the next look finds it dead, or running late
            if (running) {
                log.accept("restarting " + one.process.name() + " failed: " + e.getMessage());
            }
        }
    }

    /** Why the run must end (a restart loop), or null. */
    String failure() {
        return failure;
    }

    /** Looks every 200 ms on a thread of its own, until {@link #stop}. */
    void startWatching() {
        running = true;
        thread = new Thread(() -> {
            while (running && failure == null) {
                check();
                try {
                    Thread.sleep(LOOK_EVERY.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "wgmesh-supervisor");
        thread.setDaemon(true);
        thread.start();
    }

    /** No restart from now on (the run stops); waits for a restart under way to end. */
    void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join();
        }
    }
}
