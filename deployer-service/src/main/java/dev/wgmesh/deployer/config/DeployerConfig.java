package dev.wgmesh.deployer.config;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.deployer.domain.CommandTarget;
import dev.wgmesh.deployer.domain.Deployer;
import dev.wgmesh.deployer.domain.DeployerKey;
import dev.wgmesh.deployer.domain.FileTarget;
import dev.wgmesh.deployer.domain.Observer;
import dev.wgmesh.deployer.domain.PeerTables;
import dev.wgmesh.deployer.domain.SecretFiller;
import dev.wgmesh.deployer.domain.StateStore;
import dev.wgmesh.deployer.domain.Target;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The deployer from its settings; a missing key or command stops the start with a clear message. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DeployerSettings.class)
class DeployerConfig {

    private static final Logger log = LoggerFactory.getLogger(DeployerConfig.class);

    @Bean
    Target target(DeployerSettings settings) {
        return switch (settings.target()) {
            case "file" -> new FileTarget(Path.of(settings.outDir()));
            // split on spaces: a program and plain arguments; a path with spaces needs a wrapper script
            default -> new CommandTarget(Arrays.stream(settings.command().trim().split("\\s+"))
                    .filter(word -> !word.isEmpty()).toList(), settings.commandTimeout(),
                    settings.keepStatusOpen());
        };
    }

    @Bean
    Deployer deployer(DeployerSettings settings, Target target, PeerTables peerTables) {
        // the previous key opens what keygen sealed before the deployers' key was replaced
        String previousKeyFile = settings.deployerPreviousPrivateKeyFile();
        SecretFiller filler = new SecretFiller(previousKeyFile.isBlank()
                ? List.of(DeployerKey.load(settings.deployerPrivateKeyFile()))
                : List.of(DeployerKey.load(settings.deployerPrivateKeyFile()), DeployerKey.load(previousKeyFile)));
        Path out = Path.of(settings.outDir());
        Path state = settings.stateDir().isBlank() ? out.resolve(".wgmesh-state") : Path.of(settings.stateDir());
        // every report carries the name, so a name no report may carry stops the start (set wgmesh.replica)
        String name = DeploymentReported.checkReplica(settings.replica().isBlank() ? defaultReplica() : settings.replica());
        log.info("deployer replica {}: target {}, state in {}, each host observed every {}", name,
                settings.target().equals("command") ? "command " + settings.command() : "files in " + out.toAbsolutePath(),
                state.toAbsolutePath(), settings.observeInterval());
        return new Deployer(filler, peerTables, target, new StateStore(state), name);
    }

    @Bean
    Observer observer(DeployerSettings settings, Deployer deployer, Target target, Observer.Sink sink) {
        return new Observer(deployer, target, Clock.systemUTC(), settings.observeInterval(), new Random(), sink);
    }

    /** The mesh groups' peer tables; filled by PeerTableReader. */
    @Bean
    PeerTables peerTables(DeployerSettings settings) {
        return new PeerTables(settings.peerTableTimeout());
    }

    /**
     * The workers that decode a poll's records and apply its hosts (see RenderedListener): applying a
     * host mostly waits for the disk, a command or ssh, so a few of them keep a replica busy.
     */
    @Bean(destroyMethod = "shutdown")
    ExecutorService hostWorkers(DeployerSettings settings) {
        return workers("wgmesh-host-", settings.parallelHosts());
    }

    /** As many for looking at hosts, so a slow host being looked at never holds up a rollout. */
    @Bean(destroyMethod = "shutdown")
    ExecutorService observeWorkers(DeployerSettings settings) {
        return workers("wgmesh-observe-", settings.parallelHosts());
    }

    private static ExecutorService workers(String name, int count) {
        AtomicInteger started = new AtomicInteger();
        return Executors.newFixedThreadPool(count, task -> {
            Thread thread = new Thread(task, name + started.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    private static String defaultReplica() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
