package dev.wgmesh.deployer.config;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.deployer.domain.CommandTarget;
import dev.wgmesh.deployer.domain.Deployer;
import dev.wgmesh.deployer.domain.DeployerKey;
import dev.wgmesh.deployer.domain.FileTarget;
import dev.wgmesh.deployer.domain.PeerTables;
import dev.wgmesh.deployer.domain.SecretFiller;
import dev.wgmesh.deployer.domain.StateStore;
import dev.wgmesh.deployer.domain.Target;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The deployer from its properties; a missing key or command stops the start with a clear message. */
@Configuration(proxyBeanMethods = false)
class DeployerConfig {

    private static final Logger log = LoggerFactory.getLogger(DeployerConfig.class);

    @Bean
    Deployer deployer(@Value("${wgmesh.deployer-private-key-file:}") String keyFile,
                      @Value("${wgmesh.deployer-previous-private-key-file:}") String previousKeyFile,
                      @Value("${wgmesh.target:file}") String target,
                      @Value("${wgmesh.out-dir:./wgmesh-data/out}") String outDir,
                      @Value("${wgmesh.state-dir:}") String stateDir,
                      @Value("${wgmesh.command:}") String command,
                      @Value("${wgmesh.command-timeout:60s}") Duration commandTimeout,
                      @Value("${wgmesh.replica:}") String replica,
                      PeerTables peerTables) {
        // the previous key opens what keygen sealed before the deployers' key was replaced
        SecretFiller filler = new SecretFiller(previousKeyFile.isBlank() ? List.of(DeployerKey.load(keyFile))
                : List.of(DeployerKey.load(keyFile), DeployerKey.load(previousKeyFile)));
        Path out = Path.of(outDir);
        Path state = stateDir.isBlank() ? out.resolve(".wgmesh-state") : Path.of(stateDir);
        // every report carries the name, so a name no report may carry stops the start (set wgmesh.replica)
        String name = DeploymentReported.checkReplica(replica.isBlank() ? defaultReplica() : replica);
        log.info("deployer replica {}: target {}, state in {}", name,
                target.equals("command") ? "command " + command : "files in " + out.toAbsolutePath(), state.toAbsolutePath());
        return new Deployer(filler, peerTables, target(target, out, command, commandTimeout), new StateStore(state),
                name);
    }

    /** The mesh groups' peer tables; filled by PeerTableReader. */
    @Bean
    PeerTables peerTables(@Value("${wgmesh.peer-table-timeout:10s}") Duration timeout) {
        return new PeerTables(timeout);
    }

    /**
     * The workers that decode a poll's records and apply its hosts (see RenderedListener): applying a
     * host mostly waits for the disk, a command or ssh, so a few of them keep a replica busy.
     */
    @Bean(destroyMethod = "shutdown")
    ExecutorService hostWorkers(@Value("${wgmesh.parallel-hosts:4}") int parallelHosts) {
        if (parallelHosts < 1) {
            throw new IllegalStateException("wgmesh.parallel-hosts is " + parallelHosts + ": expected 1 or more");
        }
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(parallelHosts, task -> {
            Thread thread = new Thread(task, "wgmesh-host-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    private static Target target(String target, Path out, String command, Duration timeout) {
        return switch (target) {
            case "file" -> new FileTarget(out);
            // split on spaces: a program and plain arguments; a path with spaces needs a wrapper script
            case "command" -> new CommandTarget(Arrays.stream(command.trim().split("\\s+"))
                    .filter(word -> !word.isEmpty()).toList(), timeout);
            default -> throw new IllegalStateException("wgmesh.target is \"" + target + "\": expected file or command");
        };
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
