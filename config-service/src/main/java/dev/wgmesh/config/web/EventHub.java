package dev.wgmesh.config.web;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans the feed's events out to the live clients. The Kafka thread only queues; each client's queue is
 * drained on the executor, so a slow client never holds up the others or the consumer. A client whose
 * queue is full is dropped (its browser reconnects and says that it missed events).
 */
final class EventHub {

    private static final Logger log = LoggerFactory.getLogger(EventHub.class);

    /** Where one client's events go: an SseEmitter in the service, a list in tests. */
    interface Sink {
        void send(FeedEvent event) throws IOException;

        void heartbeat() throws IOException;

        void close();
    }

    /** Thrown when {@link #maxClients} clients are connected already. */
    static final class TooManyClients extends RuntimeException {
        TooManyClients(int max) {
            super("the live feed serves at most " + max + " clients at a time");
        }
    }

    private final ExecutorService executor;
    private final int maxClients;
    private final int maxQueued;
    private final Set<Client> clients = new CopyOnWriteArraySet<>();

    EventHub(ExecutorService executor, int maxClients, int maxQueued) {
        this.executor = executor;
        this.maxClients = maxClients;
        this.maxQueued = maxQueued;
    }

    /**
     * @param group only this group's events (null: all), @param host only this host's (null: all)
     * @param held  true when the client gets the feed's history first: live events wait until {@link Client#release}
     */
    Client subscribe(Sink sink, String group, String host, boolean held) {
        synchronized (clients) {
            if (clients.size() >= maxClients) {
                throw new TooManyClients(maxClients);
            }
            Client client = new Client(sink, group, host, held);
            clients.add(client);
            return client;
        }
    }

    void publish(FeedEvent event) {
        for (Client client : clients) {
            if (event.matches(client.group, client.host)) {
                client.offer(event);
            }
        }
    }

    /** A comment line to every client, so broken connections are noticed and proxies keep idle ones open. */
    void heartbeat() {
        for (Client client : clients) {
            client.offerHeartbeat();
        }
    }

    /**
     * Whether a record with this key would reach some client: the feed reads no other record (checking a
     * signature costs more than anything else the feed does, and most records are for no one).
     */
    boolean wantsKey(String key) {
        FeedEvent about = FeedEvent.of("", key, "");
        return clients.stream().anyMatch(client -> client.wants(about));
    }

    int clientCount() {
        return clients.size();
    }

    void closeAll() {
        clients.forEach(Client::close);
    }

    /** Runs work of one client (its history) on the sender threads. */
    void execute(Runnable task) {
        executor.execute(task);
    }

    /** Ends every stream and the sender threads. */
    void shutdown() {
        closeAll();
        executor.shutdownNow();
    }

    /** One connected client with its own bounded queue; null in the queue stands for a heartbeat. */
    final class Client {

        private final Sink sink;
        private final String group;
        private final String host;
        private final Queue<FeedEvent> queue = new ArrayDeque<>();
        private boolean draining;
        private boolean heartbeatQueued;
        private boolean held;
        private volatile boolean closed;

        private Client(Sink sink, String group, String host, boolean held) {
            this.sink = sink;
            this.group = group;
            this.host = host;
            this.held = held;
        }

        boolean wants(FeedEvent event) {
            return event.matches(group, host);
        }

        /** A record of the history, sent at once while live events are held back; a client gone is closed. */
        void sendHistory(FeedEvent event) {
            if (closed) {
                return;
            }
            try {
                sink.send(event);
            } catch (IOException | RuntimeException e) {
                log.debug("live feed client went away during its history: {}", e.toString());
                close();
            }
        }

        /**
         * The history is sent: the live events held back go out, but for those it sent already.
         *
         * @param sentUpTo the last offset the history read, by {@link FeedEvent#partition}
         */
        void release(Map<String, Long> sentUpTo) {
            synchronized (this) {
                held = false;
                queue.removeIf(event -> event != null && event.offset() <= sentUpTo.getOrDefault(event.partition(), -1L));
            }
            schedule();
        }

        private void offer(FeedEvent event) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (queue.size() >= maxQueued) {
                    log.info("dropping a live feed client that fell {} events behind", maxQueued);
                    closed = true;
                    queue.clear();
                } else {
                    queue.add(event);
                }
            }
            schedule();
        }

        private void offerHeartbeat() {
            synchronized (this) {
                if (closed || heartbeatQueued) {
                    return;
                }
                heartbeatQueued = true;
            }
            schedule();
        }

        private void schedule() {
            synchronized (this) {
                if (draining || held) {
                    return;
                }
                draining = true;
            }
            executor.execute(this::drain);
        }

        private void drain() {
            while (true) {
                FeedEvent next;
                boolean heartbeat;
                synchronized (this) {
                    if (closed) {
                        draining = false;
                        break;
                    }
                    next = queue.poll();
                    heartbeat = next == null && heartbeatQueued;
                    heartbeatQueued &= !heartbeat;
                    if (next == null && !heartbeat) {
                        draining = false;
                        return;
                    }
                }
                try {
                    if (next != null) {
                        sink.send(next);
                    } else {
                        sink.heartbeat();
                    }
                } catch (IOException | RuntimeException e) {
                    log.debug("live feed client went away: {}", e.toString());
                    synchronized (this) {
                        closed = true;
                    }
                }
            }
            close();
        }

        /** Ends the client's stream and forgets it; safe to call more than once. */
        void close() {
            synchronized (this) {
                closed = true;
                queue.clear();
            }
            if (clients.remove(this)) {
                sink.close();
            }
        }
    }
}
