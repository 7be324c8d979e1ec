package dev.wgmesh.cli.process;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.kafka.TrustSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;

/**
 * wgmesh as {@code wgmesh up} runs it, for the end-to-end tests and the benchmark: broker processes (open, on free
 * ports) and each service as its own JVM, each with a signing key of its own. Deployer replicas come and go one by
 * one. Logs go to {@code logDir}, everything else (broker data, deployed files, keys, the API token) to
 * {@code workDir}, a temp folder its owner deletes.
 */
public final class WgmeshProcesses implements AutoCloseable {

    public static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    static final String DEPLOYER_GROUP = "wgmesh-deployer";
    static final int RENDERED_PARTITIONS = Topics.ALL.stream()
            .filter(topic -> topic.name().equals(Topics.HOST_CONFIG_RENDERED)).findFirst().orElseThrow().partitions();

    private final Path home;
    private final Path workDir;
    private final Path logDir;
    private final Map<Signer, Path> signingKeys = new EnumMap<>(Signer.class);
    private final Map<String, String> trusted = new LinkedHashMap<>();
    private final Path deployerKeyFile;
    private final String deployerPublicKey;
    private final List<String> serviceJvmOptions;
    private final List<BrokerProcess> brokers;
    private final TopicNames names = Processes.topicNames();
    private final List<ServiceProcess> pipeline = new ArrayList<>();
    private final Map<String, ServiceProcess> deployers = new LinkedHashMap<>();
    private Path applyScript;
    private String apiBase;
    private String apiToken;

    /** @param home the checkout whose services' exec jars run */
    public WgmeshProcesses(Path home, Path workDir, Path logDir) throws IOException {
        this(home, workDir, logDir, Processes.jvmOptions(), Processes.jvmOptions(), 1);
    }

    /**
     * With the services' and the brokers' own JVM options (the benchmark runs them as wgmesh up does), on a
     * cluster of {@code brokers} nodes.
     */
    public WgmeshProcesses(Path home, Path workDir, Path logDir, List<String> serviceJvmOptions,
                           List<String> brokerJvmOptions, int brokers) throws IOException {
        this.home = home;
        this.workDir = workDir;
        this.logDir = logDir;
        this.serviceJvmOptions = serviceJvmOptions;
        X25519Keys.KeyPair key = X25519Keys.generate(new SecureRandom());
        this.deployerKeyFile = workDir.resolve("deployer.key");
        Files.writeString(deployerKeyFile, key.privateKey().base64() + "\n");
        Files.setPosixFilePermissions(deployerKeyFile, PosixFilePermissions.fromString("rw-------"));
        this.deployerPublicKey = key.publicKey().base64();
        Path keys = Files.createDirectories(workDir.resolve("keys"));
        for (Signer signer : Signer.values()) {
            signingKeys.put(signer, keys.resolve(signer.role() + ".key"));
            trusted.put(signer.trustProperty(), TrustSetup.signingKey(signingKeys.get(signer)).base64());
        }
        this.brokers = BrokerProcess.startCluster(workDir.resolve("kafka"), logDir, brokerJvmOptions, false, brokers);
    }

    /** config-, keygen- and renderer-service, started together, then waited for. */
    public void startPipeline() throws IOException {
        int port = BrokerProcess.freePort();
        // the token in a file, as ./wgmesh up hands it on: never on a command line
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        Path tokenFile = workDir.resolve("api-token");
        Files.writeString(tokenFile, token + "\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        // PipelineBench changes its warm-up group several times a second: a test setting, not the product's
        pipeline.add(ServiceProcess.start("config-service", ServiceProcess.execJar(home, "config-service"),
                common(Signer.CONFIG, Map.of("server.port", Integer.toString(port), "server.address", "127.0.0.1",
                        "wgmesh.api-token-file", tokenFile.toString(), "wgmesh.max-changes-per-minute", "100000")),
                logDir, jvmOptions("config-service")));
        pipeline.add(ServiceProcess.start("keygen-service", ServiceProcess.execJar(home, "keygen-service"),
                common(Signer.KEYGEN, Map.of("wgmesh.deployer-public-key", deployerPublicKey)), logDir,
                jvmOptions("keygen-service")));
        pipeline.add(ServiceProcess.start("renderer-service", ServiceProcess.execJar(home, "renderer-service"),
                common(Signer.RENDERER, Map.of()), logDir, jvmOptions("renderer-service")));
        pipeline.forEach(service -> service.awaitStarted(START_TIMEOUT));
        apiBase = "http://127.0.0.1:" + port;
        apiToken = token;
    }

    private List<String> jvmOptions(String module) {
        return Processes.serviceJvmOptions(module, serviceJvmOptions);
    }

    /**
     * Starts a deployer replica (not waited for). A short session timeout so that the group notices a
     * killed replica within seconds (the client default is 45 s); a test setting, not the product's.
     */
    public ServiceProcess startDeployer(String replica, Path outDir, Map<String, String> settings) {
        Map<String, String> args = new LinkedHashMap<>(settings);
        args.put("wgmesh.replica", replica);
        args.put("wgmesh.out-dir", outDir.toString());
        args.put("wgmesh.deployer-private-key-file", deployerKeyFile.toString());
        args.put("spring.kafka.consumer.properties[session.timeout.ms]", "6000");
        args.put("spring.kafka.consumer.properties[heartbeat.interval.ms]", "1000");
        ServiceProcess deployer = ServiceProcess.start(replica, ServiceProcess.execJar(home, "deployer-service"),
                common(Signer.DEPLOYER, args), logDir, jvmOptions("deployer-service"));
        deployers.put(replica, deployer);
        return deployer;
    }

    /**
     * Starts a deployer replica with the {@code command} target and a stand-in for a real host: 50 ms of
     * work, then the host's files copied to {@code outDir/<group>/<host>/}, each renamed into place.
     */
    public ServiceProcess startCommandDeployer(String replica, Path outDir) throws IOException {
        return startCommandDeployer(replica, outDir, Map.of());
    }

    /** @param settings more deployer settings, such as {@code wgmesh.parallel-hosts} */
    public ServiceProcess startCommandDeployer(String replica, Path outDir, Map<String, String> settings)
            throws IOException {
        if (applyScript == null) {
            applyScript = workDir.resolve("apply-host.sh");
            Files.writeString(applyScript, """
                    #!/bin/sh
                    set -e
                    dest="$1/$WGMESH_GROUP/$WGMESH_HOST"
                    sleep 0.05
                    if [ "${WGMESH_REMOVE:-}" = 1 ]; then rm -rf "$dest"; exit 0; fi
                    mkdir -p "$dest"
                    for f in "$WGMESH_CONFIG_DIR"/*.conf; do
                        name=${f##*/}
                        cp "$f" "$dest/.$name.tmp"
                        mv "$dest/.$name.tmp" "$dest/$name"
                    done
                    """);
            Files.setPosixFilePermissions(applyScript, PosixFilePermissions.fromString("rwx------"));
        }
        return startCommandDeployer(replica, applyScript + " " + outDir, settings);
    }

    /** Starts a deployer replica with the {@code command} target running {@code command} once per host. */
    public ServiceProcess startCommandDeployer(String replica, String command, Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.putAll(Map.of("wgmesh.target", "command", "wgmesh.command", command, "wgmesh.command-timeout", "30s"));
        return startDeployer(replica, workDir.resolve("command-state"), all);
    }

    /** Waits until the deployers' consumer group is stable with exactly these replicas, every partition assigned. */
    public void awaitDeployerGroup(int replicas, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String last = "";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            while (Instant.now().isBefore(deadline)) {
                for (ServiceProcess deployer : deployers.values()) {
                    if (!deployer.isAlive()) {
                        throw new IllegalStateException(deployer + " exited:\n" + deployer.tail(40));
                    }
                }
                try {
                    ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(names.of(DEPLOYER_GROUP)))
                            .all().get(5, TimeUnit.SECONDS).get(names.of(DEPLOYER_GROUP));
                    long assigned = group.members().stream().map(MemberDescription::assignment)
                            .mapToLong(a -> a.topicPartitions().size()).sum();
                    last = group.groupState() + ", " + group.members().size() + " members, " + assigned + " partitions";
                    if (group.groupState() == GroupState.STABLE && group.members().size() == replicas
                            && assigned == RENDERED_PARTITIONS) {
                        return;
                    }
                } catch (Exception e) {
                    last = e.toString();
                }
                ServiceProcess.sleep(250);
            }
        }
        throw new IllegalStateException("the deployers' group did not settle at " + replicas + " replicas within "
                + timeout + ": " + last);
    }

    /** Fails with the log's tail of a service or the broker that is no longer running. */
    public void checkAlive() {
        for (ServiceProcess service : services()) {
            if (!service.isAlive()) {
                throw new IllegalStateException(service + " exited:\n" + service.tail(40));
            }
        }
        for (BrokerProcess broker : brokers) {
            if (!broker.isAlive()) {
                throw new IllegalStateException(broker.name() + " exited; see " + broker.log());
            }
        }
    }

    public ServiceProcess deployer(String replica) {
        return deployers.get(replica);
    }

    /** SIGTERM to one deployer, which leaves the consumer group, and forgets it. */
    public void stopDeployer(String replica) {
        deployers.remove(replica).terminate();
    }

    /** SIGTERM to every deployer that still runs, and forgets them all. */
    public void stopDeployers() {
        deployers.values().parallelStream().filter(ServiceProcess::isAlive).forEach(ServiceProcess::terminate);
        deployers.clear();
    }

    public List<ServiceProcess> services() {
        List<ServiceProcess> all = new ArrayList<>(pipeline);
        all.addAll(deployers.values());
        return all;
    }

    /** The names the services use on the broker ({@code WGMESH_TOPIC_PREFIX}). */
    public TopicNames topicNames() {
        return names;
    }

    /** The first broker (the only one, unless started with more). */
    public BrokerProcess broker() {
        return brokers.get(0);
    }

    public List<BrokerProcess> brokers() {
        return brokers;
    }

    /** Every broker's address, as the services and clients take them. */
    public String bootstrapServers() {
        return BrokerProcess.bootstrapServers(brokers);
    }

    /** config-service's address, such as {@code http://127.0.0.1:8080}, once {@link #startPipeline} ran. */
    public String apiBase() {
        return apiBase;
    }

    /** The API token config-service wants for changes. */
    public String apiToken() {
        return apiToken;
    }

    public Path logDir() {
        return logDir;
    }

    public Path workDir() {
        return workDir;
    }

    /** Every log file the processes wrote. */
    public List<Path> logFiles() throws IOException {
        try (Stream<Path> files = Files.list(logDir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    /** The broker, the service's signing key and every service's public key, then the service's own settings. */
    private Map<String, String> common(Signer service, Map<String, String> settings) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("spring.kafka.bootstrap-servers", bootstrapServers());
        // the broker is open: the services create the topics, with as many replicas as the cluster has (up to 3)
        args.put("wgmesh.kafka.replication-factor", Short.toString(BrokerProcess.replicationFactor(brokers.size())));
        // any free port for each process's metrics: several deployers run on this host
        args.put("server.port", "0");
        args.put("wgmesh.trust.signing-key-file", signingKeys.get(service).toString());
        args.putAll(trusted);
        args.putAll(settings);
        return args;
    }

    @Override
    public void close() {
        // the services first, so none of them waits for a broker that is gone
        services().parallelStream().filter(ServiceProcess::isAlive).forEach(ServiceProcess::kill);
        brokers.forEach(BrokerProcess::close);
    }
}
