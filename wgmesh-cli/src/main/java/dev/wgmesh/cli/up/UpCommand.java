package dev.wgmesh.cli.up;

import dev.wgmesh.cli.Checkout;
import dev.wgmesh.cli.Log;
import dev.wgmesh.cli.process.BrokerProcess;
import dev.wgmesh.cli.process.ChildProcess;
import dev.wgmesh.cli.process.LocalApi;
import dev.wgmesh.cli.process.Processes;
import dev.wgmesh.cli.process.ServiceProcess;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.kafka.KafkaClientFile;
import dev.wgmesh.kafka.KafkaSetup;
import dev.wgmesh.kafka.TrustSetup;
import dev.wgmesh.kafka.WgmeshKafkaConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code wgmesh up}: a real Kafka broker and the four services on this machine, each its own process, supervised
 * (one that dies is started again, see {@link Supervisor}); the group files submitted and waited for; then runs
 * until Ctrl-C or SIGTERM, which stop the services first and the broker last. Everything it makes lives in the
 * data folder ({@code -Dwgmesh.data-dir}, default {@code wgmesh-data} in the checkout, {@code -Dwgmesh.home}).
 */
@Command(name = "up", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
        description = {"Runs wgmesh on this machine, supervised, until Ctrl-C.", "",
                "Real Kafka brokers (KRaft, one by default, locked) and config-, keygen-, renderer- and N deployer-services "
                + "as separate processes; submits each group file (default: " + UpCommand.DEFAULT_GROUP + "), waits "
                + "until every host has applied its configs, and prints where they are. A process that dies is started "
                + "again (after 1 s, doubling to 30 s), the others run on; five deaths of one within a minute end the "
                + "run with its last log lines. Ctrl-C or SIGTERM stop the services, then the broker.",
                "A group's name is the file's top-level \"name\" field, else the file name without .json."},
        footerHeading = "%nEnvironment:%n",
        footer = {"  WGMESH_JAVA_OPTS        the services' JVM options (default " + Processes.SERVICE_JAVA_OPTS + ")",
                "  WGMESH_KAFKA_JAVA_OPTS  the broker's JVM options (default " + Processes.BROKER_JAVA_OPTS + ")",
                "%nFiles in wgmesh-data/:",
                "  logs/         one log per process (kafka.log or kafka-1.log..., config-service.log, "
                + "deployer-service-1.log, ...)",
                "  deployer.key  the deployers' X25519 private key (made once, 0600); keygen seals to it",
                "  keys/         each service's Ed25519 signing key (made once, 0600)",
                "  api-token     the API token (made once, 0600); url: the API's address",
                "  kafka/        the broker's config and data (groups survive a restart; node-2/... for more brokers),",
                "                its passwords, and clients/<principal>.properties (Java) and .kcat.conf (kcat -F)"})
public final class UpCommand implements Callable<Integer> {

    static final String DEFAULT_GROUP = "examples/hoster-6-hosts.json";
    private static final List<String> SERVICES = List.of("config-service", "keygen-service", "renderer-service",
            "deployer-service");
    private static final Duration API_TIMEOUT = Duration.ofSeconds(120);

    @Parameters(paramLabel = "GROUP.json", description = "group files to submit (default: " + DEFAULT_GROUP + ")")
    List<Path> groupFiles = new ArrayList<>();

    @Option(names = "--deployers", paramLabel = "N", defaultValue = "1",
            description = "deployer replicas sharing the hosts (default ${DEFAULT-VALUE})")
    int deployers;

    @Option(names = "--out", paramLabel = "DIR", description = "where deployers write <group>/<host>/<interface>.conf "
            + "(default wgmesh-data/out); keep it from run to run: deployers write only what changed since they last ran")
    Path out;

    @Option(names = "--port", paramLabel = "P", defaultValue = "8080",
            description = "config-service's REST API and web UI on 127.0.0.1:P (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--kafka-port", paramLabel = "K", defaultValue = "9092", description = "the broker on 127.0.0.1:K "
            + "(SCRAM, for the services), its controller on K+1, and on K+10 for kcat and other tools (PLAIN); "
            + "with more brokers the next on K+2, K+4, ... (default ${DEFAULT-VALUE})")
    int kafkaPort;

    @Option(names = "--brokers", paramLabel = "N", defaultValue = "1", description = "Kafka brokers, each also a "
            + "controller of an N-voter quorum; with 3 or more every topic has 3 replicas and a write needs 2 in sync, "
            + "so any one broker may die (1 to " + BrokerProcess.Node.MOST + ", default ${DEFAULT-VALUE}; a data folder "
            + "keeps its number)")
    int brokerCount;

    @Option(names = "--ha", description = "two replicas of config-service (the API and page on P and P+1, both "
            + "answer every request), keygen and renderer (metrics on P+20, P+21), so that any one may die")
    boolean ha;

    @Option(names = "--kafka", paramLabel = "HOST:PORT[,...]", description = "use this Kafka cluster and start no "
            + "broker; its topics get up to 3 replicas (as many as it has brokers). The services create missing topics, "
            + "so their login needs that right, or create them first (README, \"Running on your Kafka cluster\")")
    String externalKafka;

    @Option(names = "--kafka-config", paramLabel = "FILE", description = "Kafka client properties for --kafka "
            + "(security.protocol, sasl.*, ssl.*), used by every service; kept out of the command line")
    Path kafkaConfig;

    @Option(names = "--insecure-kafka", description = "the broker as before wgmesh locked it: PLAINTEXT on K, no users, "
            + "no ACLs, so anyone who reaches the port can write every topic (warned on every start)")
    boolean insecureKafka;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "180",
            description = "seconds to wait for a group to converge (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    // ./wgmesh reads it (the script builds); accepted here so that the same command line works with java -jar
    @Option(names = "--no-build", description = "run the jars as they are, even when older than the sources "
            + "(./wgmesh builds them otherwise)")
    boolean noBuild;

    @Option(names = "--insecure-no-auth", description = "run the API with no token: anyone who reaches the port changes "
            + "groups (a throwaway local run only; without it config-service refuses to start tokenless)")
    boolean insecureNoAuth;

    /** A run that cannot go on: said as one error line, and the run stops. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message);
        }
    }

    private final Path home = Checkout.home();
    private final Path data = Checkout.dataDir();
    private final Path logs = data.resolve("logs");
    private final Path kafkaDir = data.resolve("kafka");
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final Supervisor supervisor = new Supervisor(Clock.systemUTC(), Log::info);
    private final List<ServiceProcess> services = new ArrayList<>();
    private final List<String> submitted = new ArrayList<>();
    private List<BrokerProcess> brokers = List.of();
    /** With --kafka: the replicas of topics the services create. */
    private short externalReplicas;
    private LocalApi api;
    private TopicNames names;

    @Override
    public Integer call() throws Exception {
        try {
            checkOptions();
            // what is given is checked first, so that a second up (or anything else on these ports) fails clearly
            // instead of half-starting
            requireFreePorts();
            Files.createDirectories(logs);
            onSignal("INT", "interrupted");
            onSignal("TERM", "terminated");
            run();
            return 0;
        } catch (Stopped e) {
            return 0;
        } catch (Failure e) {
            Log.error(e.getMessage());
            return 1;
        } finally {
            stopEverything();
        }
    }

    private void checkOptions() {
        if (deployers < 1) {
            throw new Failure("--deployers must be a number >= 1, not " + deployers);
        }
        BrokerProcess.Node.refusedCount(brokerCount).ifPresent(reason -> {
            throw new Failure(reason);
        });
        int lastKafkaPort = kafkaPort + 10 + 2 * (brokerCount - 1);
        if (port < 1 || Collections.max(servicePorts().values()) > 65535 || kafkaPort < 1 || lastKafkaPort > 65535) {
            throw new Failure("--port and --kafka-port must be ports (--kafka-port up to " + (kafkaPort + 65535 - lastKafkaPort)
                    + "), not " + port + " and " + kafkaPort);
        }
        if (externalKafka != null) {
            if (brokerCount != 1 || insecureKafka) {
                throw new Failure("--kafka uses your cluster: --brokers and --insecure-kafka are for the brokers up "
                        + "starts, so give one or the other");
            }
            externalKafka = bootstrapServers(externalKafka);
        }
        if (kafkaConfig != null) {
            if (externalKafka == null) {
                throw new Failure("--kafka-config '" + kafkaConfig + "' is for --kafka HOST:PORT; the brokers up starts "
                        + "have their own client files");
            }
            kafkaConfig = kafkaConfig.toAbsolutePath().normalize();
            if (!Files.isReadable(kafkaConfig)) {
                throw new Failure("--kafka-config '" + kafkaConfig + "' is not a readable file");
            }
        }
        if (timeoutSeconds < 1) {
            throw new Failure("--timeout must be a number of seconds >= 1, not " + timeoutSeconds);
        }
        if (groupFiles.isEmpty()) {
            groupFiles.add(home.resolve(DEFAULT_GROUP));
        }
        groupFiles.replaceAll(file -> file.toAbsolutePath().normalize());
        for (Path file : groupFiles) {
            if (!Files.isRegularFile(file)) {
                throw new Failure("group file '" + file + "' not found");
            }
        }
        out = (out == null ? data.resolve("out") : out).toAbsolutePath().normalize();
        try {
            names = Processes.topicNames();
        } catch (IllegalArgumentException e) {
            throw new Failure(e.getMessage());
        }
    }

    private void requireFreePorts() {
        List<Integer> ports = new ArrayList<>(servicePorts().values());
        if (externalKafka == null) {
            BrokerProcess.Node.from(kafkaPort, brokerCount)
                    .forEach(node -> ports.addAll(List.of(node.port(), node.controllerPort(), node.toolsPort())));
        }
        for (int used : ports) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", used), 500);
                throw new Failure("port " + used + " on 127.0.0.1 is in use (another wgmesh up?); stop it or choose "
                        + "other ports (--port, --kafka-port)");
            } catch (IOException e) {
                // free
            }
        }
    }

    /** Ctrl-C or SIGTERM: the run stops in order; this JVM ends only after its children (no shutdown hook race). */
    private void onSignal(String name, String said) {
        Signal.handle(new Signal(name), signal -> {
            if (stopRequested.getCount() > 0) {
                System.out.println();
                Log.info(said);
                stopRequested.countDown();
            }
        });
    }

    private void run() throws Exception {
        Map<String, Path> jars = new LinkedHashMap<>();
        for (String module : SERVICES) {
            try {
                jars.put(module, ServiceProcess.execJar(home, module));
            } catch (IllegalStateException e) {
                throw new Failure(e.getMessage());
            }
        }
        PublicKey deployerPublicKey = deployerKey();
        Map<Signer, String> trusted = signingKeys();
        String token = apiToken();
        rememberOutDir();
        startKafka();
        if (stopRequested.getCount() == 0) {
            throw new Stopped();
        }
        startServices(jars, deployerPublicKey, trusted);
        supervisor.startWatching();
        api = new LocalApi("http://127.0.0.1:" + port, token);
        Files.writeString(data.resolve("url"), api.base() + "\n");
        waitForApi();
        for (Path file : groupFiles) {
            submit(file);
        }
        for (String group : submitted) {
            waitConverged(group);
        }
        printSummary(token);
        while (!stopRequested.await(200, TimeUnit.MILLISECONDS)) {
            checkSupervisor();
        }
    }

    // --- keys and token ---------------------------------------------------------------------------------

    private PublicKey deployerKey() throws IOException {
        Path file = data.resolve("deployer.key");
        if (!Files.exists(file)) {
            Log.info("generating the deployers' key pair into " + file + " (once)");
        }
        PublicKey publicKey = LocalFiles.deployerKey(file);
        Log.info("deployers' public key: " + publicKey.base64());
        return publicKey;
    }

    /**
     * Each service signs what it publishes with its own Ed25519 key (made once, 0600, in keys/) and believes only
     * records signed by the keys of the services it reads; those public keys go to every service.
     */
    private Map<Signer, String> signingKeys() throws IOException {
        Path keys = data.resolve("keys");
        Files.createDirectories(keys);
        Map<Signer, String> trusted = new EnumMap<>(Signer.class);
        for (Signer signer : Signer.values()) {
            Path file = keys.resolve(signer.role() + ".key");
            if (!Files.exists(file)) {
                Log.info("generating the " + signer.role() + "-service's signing key into " + file + " (once)");
            }
            trusted.put(signer, TrustSetup.signingKey(file).base64());
        }
        return trusted;
    }

    /** Changes and the live feed need it (config-service reads the file); made once, 0600. Null: none. */
    private String apiToken() throws IOException {
        if (insecureNoAuth) {
            Log.warn("WARNING: --insecure-no-auth: the API has no token; anyone who reaches 127.0.0.1:" + port
                    + " can change groups");
            return null;
        }
        Path file = data.resolve("api-token");
        if (!Files.exists(file)) {
            Log.info("generating the API token into " + file + " (once)");
        }
        return LocalFiles.apiToken(file);
    }

    /**
     * The deployers' consumer group remembers what it applied, and the renderer publishes only changed hosts, so
     * files already applied elsewhere are not written again into a new --out folder.
     */
    private void rememberOutDir() throws IOException {
        Path last = data.resolve("out-dir");
        if (Files.exists(last) && !Files.readString(last).trim().equals(out.toString())) {
            Log.info("note: the last run wrote to " + Files.readString(last).trim() + "; hosts that do not change now "
                    + "are not written again into " + out);
        }
        Files.createDirectories(out);
        Files.writeString(last, out + "\n");
    }

    // --- processes --------------------------------------------------------------------------------------

    /** {@code --kafka}'s value, checked: HOST:PORT, comma separated. */
    private static String bootstrapServers(String given) {
        List<String> servers = new ArrayList<>();
        for (String server : given.split(",", -1)) {
            String trimmed = server.trim();
            int colon = trimmed.lastIndexOf(':');
            boolean valid = colon > 0 && trimmed.substring(0, colon).matches("[A-Za-z0-9.\\-\\[\\]:]+")
                    && trimmed.substring(colon + 1).matches("[0-9]{1,5}")
                    && Integer.parseInt(trimmed.substring(colon + 1)) >= 1
                    && Integer.parseInt(trimmed.substring(colon + 1)) <= 65535;
            if (!valid) {
                throw new Failure("--kafka: '" + server + "' in '" + given + "' is not HOST:PORT");
            }
            servers.add(trimmed);
        }
        return String.join(",", servers);
    }

    /** {@code --kafka}: the cluster answers with these client settings, and its size gives the topics' replicas. */
    private void useExternalKafka() {
        Log.info("using the Kafka cluster at " + externalKafka + (kafkaConfig == null ? "" : " with " + kafkaConfig)
                + "; no broker is started");
        Map<String, Object> config = new HashMap<>();
        try {
            config.putAll(KafkaClientFile.settings(kafkaConfig == null ? "" : kafkaConfig.toString()));
        } catch (RuntimeException e) {
            throw new Failure("--kafka-config: " + e.getMessage());
        }
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, externalKafka);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(config)) {
            int nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            externalReplicas = BrokerProcess.replicationFactor(nodes);
            Log.info("Kafka answers: " + nodes + " broker(s); missing topics get " + externalReplicas + " replica(s)");
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw new Failure("Kafka at " + externalKafka + " did not answer within 30 s: " + e.getMessage()
                    + " (check --kafka and --kafka-config)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
    }

    private void startKafka() throws Exception {
        if (externalKafka != null) {
            useExternalKafka();
            return;
        }
        List<BrokerProcess.Node> nodes = BrokerProcess.Node.from(kafkaPort, brokerCount);
        if (insecureKafka) {
            warnInsecureKafka();
        }
        for (BrokerProcess.Node node : nodes) {
            Log.info("starting Kafka " + (brokerCount == 1 ? "" : "broker " + node.id() + " ") + "on 127.0.0.1:"
                    + node.port() + (insecureKafka ? ", PLAINTEXT" : " (SCRAM-SHA-512), 127.0.0.1:" + node.toolsPort()
                    + " (PLAIN, for kcat)") + ", controller 127.0.0.1:" + node.controllerPort());
        }
        try {
            brokers = BrokerProcess.create(kafkaDir, logs,
                    jvmOptions("WGMESH_KAFKA_JAVA_OPTS", Processes.BROKER_JAVA_OPTS), !insecureKafka, nodes);
        } catch (IllegalStateException e) {
            throw new Failure(e.getMessage());
        }
        try {
            BrokerProcess.startAll(brokers);
        } catch (IllegalStateException e) {
            StringBuilder tails = new StringBuilder(e.getMessage());
            brokers.forEach(broker -> tails.append("\n").append(broker.name()).append(":\n")
                    .append(Processes.tail(broker.log(), 20)));
            throw new Failure(tails.toString());
        }
        for (BrokerProcess broker : brokers) {
            supervisor.watch(broker);
            Log.info("started " + broker.name() + " (pid " + broker.pid() + "), log " + broker.log());
        }
        if (!insecureKafka) {
            // as the superuser: the SCRAM users, every topic, and the ACLs (the services may not create topics)
            try {
                KafkaSetup.apply(brokers.get(0).credentials(), BrokerProcess.toolsBootstrapServers(brokers),
                        BrokerProcess.replicationFactor(brokerCount));
            } catch (ExecutionException | TimeoutException e) {
                throw new Failure("could not create the Kafka users, topics and ACLs: " + e.getMessage());
            }
            Log.info("Kafka is locked: one user per service, ACLs from KafkaAccess; client files in "
                    + kafkaDir.resolve("clients") + "/");
        }
        if (brokerCount > 1) {
            Log.info("every topic has " + BrokerProcess.replicationFactor(brokerCount) + " replicas, a write needs "
                    + WgmeshKafkaConfig.minInSyncReplicas(BrokerProcess.replicationFactor(brokerCount)) + " in sync");
        }
    }

    /**
     * Every service's port on 127.0.0.1: config-service's API and page on P (and P+1 with --ha); the others serve
     * only their metrics and health: keygen replica i on P+10i, renderer replica i on P+10i+1, and the deployers
     * after the last of those, so any number of them fits.
     */
    Map<String, Integer> servicePorts() {
        int replicas = ha ? 2 : 1;
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (int i = 1; i <= replicas; i++) {
            ports.put(replicaName("config-service", i), port + i - 1);
        }
        for (int i = 1; i <= replicas; i++) {
            ports.put(replicaName("keygen-service", i), port + 10 * i);
            ports.put(replicaName("renderer-service", i), port + 10 * i + 1);
        }
        for (int i = 1; i <= deployers; i++) {
            ports.put("deployer-service-" + i, port + 10 * replicas + 1 + i);
        }
        return ports;
    }

    private void startServices(Map<String, Path> jars, PublicKey deployerPublicKey, Map<Signer, String> trusted) {
        int replicas = ha ? 2 : 1;
        Map<String, Integer> ports = servicePorts();
        for (int i = 1; i <= replicas; i++) {
            String name = replicaName("config-service", i);
            Map<String, String> config = new LinkedHashMap<>(Map.of("server.port", ports.get(name).toString(),
                    "server.address", "127.0.0.1"));
            if (insecureNoAuth) {
                config.put("wgmesh.api.insecure-no-auth", "true");
            } else {
                config.put("wgmesh.api-token-file", data.resolve("api-token").toString());
            }
            start(name, "config-service", jars, Signer.CONFIG, trusted, config);
        }
        // keygen gets only the public half; every secret it makes is sealed to it
        for (int i = 1; i <= replicas; i++) {
            String name = replicaName("keygen-service", i);
            start(name, "keygen-service", jars, Signer.KEYGEN, trusted, Map.of(
                    "wgmesh.deployer-public-key", deployerPublicKey.base64(),
                    "server.port", ports.get(name).toString(), "server.address", "127.0.0.1"));
        }
        for (int i = 1; i <= replicas; i++) {
            String name = replicaName("renderer-service", i);
            start(name, "renderer-service", jars, Signer.RENDERER, trusted, Map.of(
                    "server.port", ports.get(name).toString(), "server.address", "127.0.0.1"));
        }
        for (int i = 1; i <= deployers; i++) {
            String name = "deployer-service-" + i;
            start(name, "deployer-service", jars, Signer.DEPLOYER, trusted, Map.of(
                    "wgmesh.replica", "deployer-" + i, "wgmesh.out-dir", out.toString(),
                    "wgmesh.deployer-private-key-file", data.resolve("deployer.key").toString(),
                    "server.port", ports.get(name).toString(), "server.address", "127.0.0.1"));
        }
    }

    /** A service alone keeps its module's name; with --ha its replicas are -1 and -2. */
    private String replicaName(String module, int replica) {
        return ha ? module + "-" + replica : module;
    }

    /**
     * Settings go as --arguments, which win over the jar's application.properties. Each process gets its name as
     * WGMESH_INSTANCE_ID: its Kafka transactional ids stay the same across its restarts (a crashed replica's open
     * transaction is aborted as soon as it is back) and differ from its sibling's.
     */
    private void start(String name, String module, Map<String, Path> jars, Signer signer, Map<Signer, String> trusted,
                       Map<String, String> settings) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("wgmesh.trust.signing-key-file", data.resolve("keys").resolve(signer.role() + ".key").toString());
        trusted.forEach((trustedSigner, key) -> args.put(trustedSigner.trustProperty(), key));
        if (externalKafka != null) {
            args.put("spring.kafka.bootstrap-servers", externalKafka);
            args.put("wgmesh.kafka.replication-factor", Short.toString(externalReplicas));
            if (kafkaConfig != null) {
                args.put(KafkaClientFile.PROPERTY, kafkaConfig.toString());
            }
        } else if (insecureKafka) {
            args.put("spring.kafka.bootstrap-servers", BrokerProcess.bootstrapServers(brokers));
            // the broker is open: the services create the topics, with the cluster's replicas
            args.put("wgmesh.kafka.replication-factor", Short.toString(BrokerProcess.replicationFactor(brokerCount)));
        } else {
            args.put("spring.kafka.bootstrap-servers", BrokerProcess.bootstrapServers(brokers));
            // its own Kafka login, from a file: never a password on a command line
            args.put("wgmesh.kafka.client-properties-file",
                    kafkaDir.resolve("clients").resolve(signer.role() + ".properties").toString());
        }
        args.putAll(settings);
        ServiceProcess service = ServiceProcess.start(name, jars.get(module), args, Map.of("WGMESH_INSTANCE_ID", name),
                logs, Processes.serviceJvmOptions(module, jvmOptions("WGMESH_JAVA_OPTS", Processes.SERVICE_JAVA_OPTS)));
        services.add(service);
        supervisor.watch(service);
        Log.info("started " + service.name() + " (pid " + service.pid() + "), log " + service.log());
        Log.info("metrics: " + service.name() + " http://127.0.0.1:" + args.get("server.port") + "/actuator/prometheus");
    }

    private List<String> jvmOptions(String variable, String defaults) {
        List<String> all = new ArrayList<>(Processes.jvmOptions(variable, defaults));
        // marks the processes as this run's (ps shows the data folder)
        all.add("-Dwgmesh.launcher=" + data);
        return all;
    }

    /** Fails with the supervisor's reason when a process is in a restart loop. */
    private void checkSupervisor() {
        if (supervisor.failure() != null) {
            throw new Failure(supervisor.failure());
        }
    }

    /** Services first, so they leave the broker cleanly, then the broker; only what this run started. */
    private void stopEverything() throws InterruptedException {
        supervisor.stop();
        List<ChildProcess> running = new ArrayList<>(services.stream().filter(ServiceProcess::isAlive).toList());
        if (!running.isEmpty()) {
            Log.info("stopping the services");
            running.parallelStream().forEach(ChildProcess::terminate);
        }
        if (brokers.stream().anyMatch(BrokerProcess::isAlive)) {
            Log.info("stopping Kafka");
            BrokerProcess.stopAll(brokers);
        }
        if (!services.isEmpty() || !brokers.isEmpty()) {
            Log.info("stopped");
        }
    }

    // --- the API ----------------------------------------------------------------------------------------

    private void waitForApi() throws InterruptedException {
        Log.info("waiting for config-service on " + api.base());
        Instant deadline = Instant.now().plus(API_TIMEOUT);
        while (api.get("/api/v1/groups").status() != 200) {
            pause(deadline, "config-service did not answer within " + API_TIMEOUT.toSeconds() + " s; see "
                    + logs.resolve("config-service.log"), Duration.ofSeconds(1));
        }
        Log.info("config-service is up");
    }

    private void submit(Path file) throws IOException, InterruptedException {
        JsonNode body;
        try {
            body = EventJson.tree(Files.readAllBytes(file));
        } catch (RuntimeException e) {
            throw new Failure(file + " is not JSON: " + e.getMessage());
        }
        if (!body.isObject()) {
            throw new Failure(file + " is not a JSON object");
        }
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        if (body.path("name").isString()) {
            name = body.path("name").asString();
            ((ObjectNode) body).remove("name");
        }
        if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new Failure("group name '" + name + "' (from " + file + ") must match [a-z0-9][a-z0-9-]{0,62}");
        }
        String path = "/api/v1/groups/" + name;
        Log.info("submitting " + file + " as group '" + name + "': PUT " + api.base() + path);
        LocalApi.Answer answer = api.put(path, EventJson.mapper().writeValueAsString(body));
        if (answer.status() != 200 && answer.status() != 201) {
            System.err.println(answer.body());
            throw new Failure("config-service refused group '" + name + "' from " + file + " (HTTP " + answer.status()
                    + "); the problems are listed above");
        }
        Log.info("accepted: " + answer.body());
        submitted.add(name);
    }

    private void waitConverged(String group) throws InterruptedException {
        String path = "/api/v1/groups/" + group + "/status";
        Log.info("waiting until every host of '" + group + "' has applied (GET " + api.base() + path + ", up to "
                + timeoutSeconds + " s)");
        Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
        while (true) {
            LocalApi.Answer status = api.get(path);
            if (status.status() == 200 && status.json().path("converged").asBoolean(false)) {
                break;
            }
            if (!Instant.now().isBefore(deadline)) {
                System.err.println("last status (HTTP " + status.status() + "):\n" + status.body());
            }
            pause(deadline, "group '" + group + "' did not converge within " + timeoutSeconds + " s; see the logs in "
                    + logs + " (deployer-service-*.log first)", Duration.ofSeconds(2));
        }
        Log.info("group '" + group + "' converged");
    }

    /** Waits a little, unless the run must end: stopped, a restart loop, or past the deadline ({@code late}). */
    private void pause(Instant deadline, String late, Duration pause) throws InterruptedException {
        checkSupervisor();
        if (!Instant.now().isBefore(deadline)) {
            throw new Failure(late);
        }
        if (stopRequested.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new Stopped();
        }
    }

    /** Ctrl-C or SIGTERM while starting: not an error. */
    static final class Stopped extends RuntimeException {
    }

    private void printSummary(String token) throws IOException {
        System.out.println();
        Log.info("wgmesh is running");
        for (String group : submitted) {
            Log.info("  configs of '" + group + "': " + out.resolve(group) + "/<host>/<interface>.conf");
            Path dir = out.resolve(group);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.filter(file -> file.toString().endsWith(".conf")).map(Path::toString).sorted()
                            .forEach(file -> System.out.println("            " + file));
                }
            }
        }
        Log.info("  web UI:   " + api.base() + "/" + (ha ? " (and on 127.0.0.1:" + (port + 1) + ", the second replica)" : ""));
        Log.info("  REST API: " + api.base() + "/api/v1/groups");
        if (token == null) {
            Log.info("  API token: none (--insecure-no-auth): anyone who reaches the port can change groups");
        } else {
            Log.info("  API token (changes and the live feed): " + token);
            Log.info("            curl -H \"Authorization: Bearer $(cat " + data.resolve("api-token") + ")\" ...");
        }
        String services = BrokerProcess.bootstrapServers(brokers);
        String reported = names.of(Topics.DEPLOYMENT_REPORTED);
        if (externalKafka != null) {
            Log.info("  Kafka:    " + externalKafka + " (yours" + (kafkaConfig == null ? "" : ", " + kafkaConfig) + ")");
        } else if (insecureKafka) {
            Log.info("  Kafka:    " + services + "   (e.g. kcat -b " + services + " -C -t " + reported + ")");
            warnInsecureKafka();
        } else {
            String tools = BrokerProcess.toolsBootstrapServers(brokers);
            Log.info("  Kafka:    " + services + " (services, SCRAM) and " + tools + " (kcat, PLAIN); read with");
            Log.info("            kcat -F " + kafkaDir.resolve("clients/observer.kcat.conf") + " -b " + tools
                    + " -C -t " + reported);
        }
        Log.info("  logs:     " + logs);
        Log.info("a process that dies is started again; press Ctrl-C to stop everything");
    }

    private void warnInsecureKafka() {
        Log.warn("WARNING: --insecure-kafka: Kafka on 127.0.0.1:" + kafkaPort + " has no authentication and no ACLs.");
        Log.warn("WARNING: anyone who reaches it can write every topic and so run configs as root on every host.");
    }
}
