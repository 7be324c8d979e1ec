package dev.wgmesh.cli.process;

import dev.wgmesh.common.events.Topics;
import dev.wgmesh.kafka.KafkaAccess;
import dev.wgmesh.kafka.KafkaCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker (KRaft, one node that is broker and controller) as its own process, from the
 * kafka_2.13 classes on this JVM's classpath (the wgmesh jar, or a test classpath): it can be stopped, killed
 * and started again on the same ports and data folder. Open (PLAINTEXT), or locked as {@code wgmesh up} runs it
 * (SASL and ACLs, see KafkaCredentials). Its storage is formatted once; a later start keeps the topics.
 */
public final class BrokerProcess implements AutoCloseable, ChildProcess {

    private final Path dataDir;
    private final Path config;
    private final Path logbackConfig;
    private final Path log;
    private final int port;
    private final int controllerPort;
    private final int toolsPort;
    private final List<String> jvmOptions;
    /** The locked broker's credentials (KafkaCredentials), or null: PLAINTEXT, no ACLs. */
    private final KafkaCredentials credentials;
    private Process process;

    private BrokerProcess(Path dataDir, Path log, List<String> jvmOptions, boolean locked, int port, int controllerPort,
                          int toolsPort) throws IOException {
        this.dataDir = dataDir;
        this.log = log;
        this.jvmOptions = jvmOptions;
        this.port = port;
        this.controllerPort = controllerPort;
        this.toolsPort = toolsPort;
        Files.createDirectories(dataDir);
        this.credentials = locked ? KafkaCredentials.write(dataDir) : null;
        this.config = dataDir.resolve("server.properties");
        this.logbackConfig = dataDir.resolve("logback.xml");
        Files.createDirectories(dataDir.resolve("data"));
        Files.writeString(config, serverProperties());
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
            format();
        }
    }

    /**
     * A broker on the given ports (its controller, and when locked the PLAIN listener for tools), with its
     * config written and its storage formatted if new, not started yet.
     *
     * @param locked SCRAM on {@link #bootstrapServers}, PLAIN on {@link #toolsBootstrapServers}, the standard
     *               authorizer, credentials in {@code dataDir} (KafkaCredentials); no user, topic or ACL yet:
     *               KafkaSetup makes them. Otherwise PLAINTEXT and no ACLs.
     */
    public static BrokerProcess create(Path dataDir, Path log, List<String> jvmOptions, boolean locked, int port,
                                       int controllerPort, int toolsPort) throws IOException {
        return new BrokerProcess(dataDir, log, jvmOptions, locked, port, controllerPort, toolsPort);
    }

    /** An open broker on free ports, started; its output goes to {@code log}. */
    public static BrokerProcess start(Path dataDir, Path log) throws IOException {
        return start(dataDir, log, Processes.jvmOptions());
    }

    public static BrokerProcess start(Path dataDir, Path log, List<String> jvmOptions) throws IOException {
        BrokerProcess broker = create(dataDir, log, jvmOptions, false, freePort(), freePort(), freePort());
        broker.start();
        return broker;
    }

    /** A locked broker on free ports, started (see {@link #create}). */
    public static BrokerProcess startLocked(Path dataDir, Path log) throws IOException {
        BrokerProcess broker = create(dataDir, log, Processes.jvmOptions(), true, freePort(), freePort(), freePort());
        broker.start();
        return broker;
    }

    @Override
    public String name() {
        return "kafka";
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The locked broker's PLAIN listener (kcat, and the setup before any SCRAM user exists). */
    public String toolsBootstrapServers() {
        return "127.0.0.1:" + toolsPort;
    }

    public KafkaCredentials credentials() {
        return credentials;
    }

    /** Starts the broker on its ports and data folder and waits until it answers. */
    @Override
    public void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the broker already runs");
        }
        try {
            process = Processes.start(java("kafka.Kafka", config.toString()), Map.of(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady(Duration.ofSeconds(90));
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

    private void format() throws IOException {
        Process format = Processes.start(java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
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
                        if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
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
            throw new IllegalStateException("the broker exited with " + process.exitValue() + "; see " + log);
        }
        if (Instant.now().isAfter(deadline)) {
            throw new IllegalStateException("the broker did not answer within " + timeout + "; see " + log);
        }
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String serverProperties() {
        String listeners = credentials == null ? """
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                """.formatted(port, controllerPort) : """
                listeners=SERVICES://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d,TOOLS://127.0.0.1:%3$d
                advertised.listeners=SERVICES://127.0.0.1:%1$d,TOOLS://127.0.0.1:%3$d
                """.formatted(port, controllerPort, toolsPort) + KafkaCredentials.brokerSettings(dataDir);
        return listeners + """
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@127.0.0.1:%2$d
                controller.listener.names=CONTROLLER
                log.dirs=%3$s
                auto.create.topics.enable=false
                num.partitions=1
                offsets.topic.replication.factor=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                message.max.bytes=%4$d
                replica.fetch.max.bytes=%4$d
                """.formatted(port, controllerPort, dataDir.resolve("data"), Topics.MAX_MESSAGE_BYTES);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (process != null) {
            Processes.kill(process);
        }
    }
}
