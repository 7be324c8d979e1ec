package dev.wgmesh.kafka;

import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that polls a consumer of assigned partitions for as long as the service runs and hands
 * every poll's records (none, too) to its owner. A broker that is away is waited out: the consumer
 * reconnects by itself. {@link #stop} wakes the consumer, waits for the thread, and the thread closes it.
 */
public final class PollingThread {

    private static final Logger log = LoggerFactory.getLogger(PollingThread.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String name;
    private final Duration pollTimeout;
    private final Consumer<ConsumerRecords<String, byte[]>> onPoll;
    private volatile boolean running;
    private Thread thread;

    /** @param onPoll runs on the polling thread, so it may use the consumer (its positions, say) */
    public PollingThread(KafkaConsumer<String, byte[]> consumer, String name, Duration pollTimeout,
                         Consumer<ConsumerRecords<String, byte[]>> onPoll) {
        this.consumer = consumer;
        this.name = name;
        this.pollTimeout = pollTimeout;
        this.onPoll = onPoll;
    }

    public void start() {
        running = true;
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    public boolean isRunning() {
        return running;
    }

    public void stop() {
        running = false;
        consumer.wakeup();
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            while (running) {
                try {
                    onPoll.accept(consumer.poll(pollTimeout));
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    log.warn("{}: reading failed, trying again: {}", name, e.toString());
                    pause();
                }
            }
        } catch (WakeupException e) {
            // stop() woke the consumer
        } finally {
            consumer.close();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
