package dev.wgmesh.cli.process;

import dev.wgmesh.common.events.Topics;
import dev.wgmesh.kafka.KafkaAccess;
import dev.wgmesh.kafka.KafkaCredentials;
import dev.wgmesh.kafka.WgmeshKafkaConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker (KRaft, a node that is broker and controller) as its own process, from the kafka_2.13
 * classes on this JVM's classpath (the wgmesh jar, or a test classpath): it can be stopped, killed and started
 * again on the same ports and data folder. One node alone, or one of a cluster on this machine whose nodes are
 * all controllers (a quorum of n voters) and share a cluster id and, when locked, the credentials. Open
 * (PLAINTEXT), or locked as {@code wgmesh up} runs it (SASL and ACLs, see KafkaCredentials). Its storage is
 * formatted once; a later start keeps the topics.
 */
public final class BrokerProcess implements AutoCloseable, ChildProcess {

    static final int FIRST_PORT = 20000;
    static final int LAST_PORT = 32000;
    private static final Random RANDOM = new Random();
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /** A node's id (from 1) and its ports: clients, its controller, and (locked) the PLAIN listener for tools. */
    public record Node(int id, int port, int controllerPort, int toolsPort) {

        /** The most nodes the layout of {@link #from} holds: a sixth would listen on the first one's tools port. */
        public static final int MOST = 5;

        /** Why {@code count} nodes cannot run on one machine (named as the --brokers option), or empty. */
        public static Optional<String> refusedCount(int count) {
            return count < 1 || count > MOST
                    ? Optional.of("--brokers must be a number from 1 to " + MOST + ", not " + count)
                    : Optional.empty();
        }

        /**
         * {@code count} nodes from port {@code first}: node i (from 1) listens on first+2(i-1), its controller
         * beside it, and its tools listener on first+10+2(i-1).
         */
        public static List<Node> from(int first, int count) {
            return IntStream.rangeClosed(1, count)
                    .mapToObj(i -> new Node(i, first + 2 * (i - 1), first + 2 * (i - 1) + 1, first + 10 + 2 * (i - 1)))
                    .toList();
        }
    }

    private static final int LAST_NODE_GRACE_SECONDS = 10;

    private final Path dataDir;
    private final Path config;
    private final Path logbackConfig;
    private final Path log;
    private final Node node;
    private final List<Node> cluster;
    private final List<String> jvmOptions;
    /** The locked broker's credentials (KafkaCredentials), or null: PLAINTEXT, no ACLs. */
    private final KafkaCredentials credentials;
    private Process process;

    private BrokerProcess(Path dataDir, Path log, List<String> jvmOptions, KafkaCredentials credentials,
                          Path credentialsDir, Node node, List<Node> cluster, String clusterId) throws IOException {
        this.dataDir = dataDir;
        this.log = log;
        this.jvmOptions = jvmOptions;
        this.node = node;
        this.cluster = List.copyOf(cluster);
        this.credentials = credentials;
        this.config = dataDir.resolve("server.properties");
        this.logbackConfig = dataDir.resolve("logback.xml");
        Files.createDirectories(dataDir.resolve("data"));
        Files.writeString(config, serverProperties(credentialsDir));
        // the broker logs through the classpath's logback; its own file, not the tests' or the command's
        Files.writeString(logbackConfig, """
                <configuration>
                    <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>[%d] %p %m \\(%c\\)%n</pattern></encoder>
                    </appender>
                    <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                    <logger name="kafka.server.BrokerServer" level="INFO"/>
                    <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        if (!Files.exists(dataDir.resolve("data").resolve("meta.properties"))) {
            format(clusterId);
        }
    }

    /**
     * The nodes of a cluster on this machine (or one node alone), with their configs written and their storage
     * formatted if new, not started yet. Node 1 lives in {@code dir}, node i in {@code dir/node-i}; the cluster's
     * id and size are kept in {@code dir/cluster.properties}, and a folder made for another number of nodes is
     * refused (its quorum and its topics' replicas are made for that many).
     *
     * @param logs   each node's log: kafka.log alone, kafka-i.log in a cluster
     * @param locked SCRAM on {@link #bootstrapServers}, PLAIN on {@link #toolsBootstrapServers}, the standard
     *               authorizer, credentials in {@code dir} (KafkaCredentials) shared by every node; no user, topic
     *               or ACL yet: KafkaSetup makes them. Otherwise PLAINTEXT and no ACLs.
     */
    public static List<BrokerProcess> create(Path dir, Path logs, List<String> jvmOptions, boolean locked,
                                             List<Node> nodes) throws IOException {
        Files.createDirectories(dir);
        String clusterId = clusterId(dir, nodes.size());
        KafkaCredentials credentials = locked ? KafkaCredentials.write(dir, Processes.topicNames()) : null;
        List<BrokerProcess> brokers = new ArrayList<>();
        for (Node node : nodes) {
            Path nodeDir = node.id() == 1 ? dir : dir.resolve("node-" + node.id());
            String log = nodes.size() == 1 ? "kafka.log" : "kafka-" + node.id() + ".log";
            brokers.add(new BrokerProcess(nodeDir, logs.resolve(log), jvmOptions, credentials, locked ? dir : null, node,
                    nodes, clusterId));
        }
        return brokers;
    }

    /** Starts every node, then waits until each answers (a node alone cannot: it waits for a quorum). */
    public static void startAll(List<BrokerProcess> brokers) {
        brokers.forEach(BrokerProcess::launch);
        brokers.forEach(broker -> broker.awaitReady(Duration.ofSeconds(90)));
    }

    /**
     * Stops the running nodes one by one, each with a controlled shutdown while the others keep the quorum. The
     * last of a cluster cannot finish one (no quorum approves it) and is killed after a few seconds: every
     * record it acknowledged is in its files and on another node.
     */
    public static void stopAll(List<BrokerProcess> brokers) {
        List<BrokerProcess> running = brokers.stream().filter(BrokerProcess::isAlive).toList();
        for (int i = running.size() - 1; i >= 0; i--) {
            BrokerProcess broker = running.get(i);
            if (i == 0 && broker.cluster.size() > 1) {
                Processes.terminate(broker.process, LAST_NODE_GRACE_SECONDS);
            } else {
                broker.terminate();
            }
        }
    }

    /** An open broker on free ports, started; its output goes to kafka.log in {@code logs}. */
    public static BrokerProcess start(Path dataDir, Path logs) throws IOException {
        return start(dataDir, logs, Processes.jvmOptions());
    }

    public static BrokerProcess start(Path dataDir, Path logs, List<String> jvmOptions) throws IOException {
        return startCluster(dataDir, logs, jvmOptions, false, 1).get(0);
    }

    /** A locked broker on free ports, started (see {@link #create}). */
    public static BrokerProcess startLocked(Path dataDir, Path logs) throws IOException {
        return startCluster(dataDir, logs, Processes.jvmOptions(), true, 1).get(0);
    }

    /** {@code count} nodes on free ports, started (see {@link #create}). */
    public static List<BrokerProcess> startCluster(Path dir, Path logs, List<String> jvmOptions, boolean locked,
                                                   int count) throws IOException {
        List<Node> nodes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            nodes.add(new Node(i, freePort(), freePort(), freePort()));
        }
        List<BrokerProcess> brokers = create(dir, logs, jvmOptions, locked, nodes);
        startAll(brokers);
        return brokers;
    }

    /** The clients' addresses of every node, as bootstrap.servers takes them. */
    public static String bootstrapServers(List<BrokerProcess> brokers) {
        return brokers.stream().map(BrokerProcess::bootstrapServers).collect(Collectors.joining(","));
    }

    /** The tools listeners of every node (locked). */
    public static String toolsBootstrapServers(List<BrokerProcess> brokers) {
        return brokers.stream().map(BrokerProcess::toolsBootstrapServers).collect(Collectors.joining(","));
    }

    /**
     * The replicas of each wgmesh and internal topic on a cluster of {@code nodes}: up to three (so two stay in
     * sync when one node dies; see WgmeshKafkaConfig.minInSyncReplicas).
     */
    public static short replicationFactor(int nodes) {
        return (short) Math.min(3, nodes);
    }

    private static String clusterId(Path dir, int nodes) throws IOException {
        Path file = dir.resolve("cluster.properties");
        Properties kept = new Properties();
        int made;
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file)) {
                kept.load(reader);
            }
            made = Integer.parseInt(kept.getProperty("nodes", "1"));
        } else {
            // a folder from before wgmesh kept the size holds one node
            made = Files.exists(dir.resolve("data").resolve("meta.properties")) ? 1 : nodes;
        }
        if (made != nodes) {
            throw new IllegalStateException(dir + " holds a Kafka cluster of " + made + " broker(s), not " + nodes
                    + ": its controller quorum and its topics' replicas are made for that many; run with that number, "
                    + "or with another data folder (-Dwgmesh.data-dir)");
        }
        String id = kept.getProperty("cluster.id");
        if (id == null) {
            id = Uuid.randomUuid().toString();
            Files.writeString(file, "# written by wgmesh (BrokerProcess): the nodes of this folder's cluster\n"
                    + "nodes=" + nodes + "\ncluster.id=" + id + "\n");
        }
        return id;
    }

    @Override
    public String name() {
        return cluster.size() == 1 ? "kafka" : "kafka-" + node.id();
    }

    public Node node() {
        return node;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + node.port();
    }

    /** The locked broker's PLAIN listener (kcat, and the setup before any SCRAM user exists). */
    public String toolsBootstrapServers() {
        return "127.0.0.1:" + node.toolsPort();
    }

    public KafkaCredentials credentials() {
        return credentials;
    }

    /** Starts the broker on its ports and data folder and waits until it answers. */
    @Override
    public void start() {
        launch();
        awaitReady(Duration.ofSeconds(90));
    }

    private void launch() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name() + " already runs");
        }
        try {
            process = Processes.start(java("kafka.Kafka", config.toString()), Map.of(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public int exitValue() {
        return process.exitValue();
    }

    @Override
    public Path log() {
        return log;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    /** SIGTERM: a controlled shutdown, as an operator's restart would do. */
    public void stop() {
        terminate();
    }

    @Override
    public int terminate() {
        return Processes.terminate(process, 60);
    }

    /** SIGKILL: the broker's machine dies. */
    public void kill() {
        Processes.kill(process);
    }

    private void format(String clusterId) throws IOException {
        Process format = Processes.start(java("kafka.tools.StorageTool", "format", "-t", clusterId,
                "-c", config.toString()), Map.of(), log);
        try {
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                Processes.kill(format);
                throw new IllegalStateException("formatting Kafka storage failed; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private List<String> java(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Processes.java());
        command.addAll(jvmOptions);
        command.add("-Dlogback.configurationFile=" + logbackConfig);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        try {
            // a plain connect first: an admin client logs a warning for every try while nothing listens
            while (!listening()) {
                checkAlive(deadline, timeout);
                Thread.sleep(200);
            }
            Map<String, Object> config = new HashMap<>(Map.of(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000));
            if (credentials == null) {
                config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            } else {
                config.putAll(credentials.plainJavaClient(KafkaAccess.ADMIN));
                config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, toolsBootstrapServers());
            }
            try (Admin admin = Admin.create(config)) {
                while (true) {
                    checkAlive(deadline, timeout);
                    try {
                        // this node is in the cluster's metadata: it has joined the quorum and registered
                        if (admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).stream()
                                .anyMatch(n -> n.id() == node.id())) {
                            return;
                        }
                    } catch (Exception e) {
                        // not ready yet
                    }
                    Thread.sleep(200);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void checkAlive(Instant deadline, Duration timeout) {
        if (!process.isAlive()) {
            throw new IllegalStateException(name() + " exited with " + process.exitValue() + "; see " + log);
        }
        if (Instant.now().isAfter(deadline)) {
            throw new IllegalStateException(name() + " did not answer within " + timeout + "; see " + log);
        }
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", node.port()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String serverProperties(Path credentialsDir) {
        String listeners = credentials == null ? """
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                """.formatted(node.port(), node.controllerPort()) : """
                listeners=SERVICES://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d,TOOLS://127.0.0.1:%3$d
                advertised.listeners=SERVICES://127.0.0.1:%1$d,TOOLS://127.0.0.1:%3$d
                """.formatted(node.port(), node.controllerPort(), node.toolsPort())
                + KafkaCredentials.brokerSettings(credentialsDir);
        String voters = cluster.stream().map(n -> n.id() + "@127.0.0.1:" + n.controllerPort())
                .collect(Collectors.joining(","));
        short replicas = replicationFactor(cluster.size());
        int inSync = WgmeshKafkaConfig.minInSyncReplicas(replicas);
        return listeners + """
                process.roles=broker,controller
                node.id=%1$d
                controller.quorum.voters=%2$s
                controller.listener.names=CONTROLLER
                log.dirs=%3$s
                auto.create.topics.enable=false
                num.partitions=1
                default.replication.factor=%5$d
                min.insync.replicas=%6$d
                offsets.topic.replication.factor=%5$d
                transaction.state.log.replication.factor=%5$d
                transaction.state.log.min.isr=%6$d
                share.coordinator.state.topic.replication.factor=%5$d
                share.coordinator.state.topic.min.isr=%6$d
                group.initial.rebalance.delay.ms=0
                message.max.bytes=%4$d
                replica.fetch.max.bytes=%4$d
                """.formatted(node.id(), voters, dataDir.resolve("data"), Topics.MAX_MESSAGE_BYTES, replicas, inSync);
    }

    /**
     * A port nothing listens on, for a process started next, taken below the range Linux gives outgoing connections
     * (32768 and up): a port the kernel picked as free came from that range, and one of the broker's or services'
     * own connections could take it in the seconds before the process bound it (CI once saw config-service fail to
     * start so). Never the same port twice in this JVM.
     */
    public static int freePort() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = FIRST_PORT + RANDOM.nextInt(LAST_PORT - FIRST_PORT + 1);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(port));
                return port;
            } catch (BindException taken) {
                // someone listens there: try another
            }
        }
        throw new IOException("no free port between " + FIRST_PORT + " and " + LAST_PORT + " in 200 tries");
    }

    @Override
    public void close() {
        if (process != null) {
            Processes.kill(process);
        }
    }
}
