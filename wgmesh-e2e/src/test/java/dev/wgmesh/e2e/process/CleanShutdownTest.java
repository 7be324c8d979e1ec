package dev.wgmesh.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.cli.process.Processes;
import dev.wgmesh.cli.process.ServiceProcess;
import dev.wgmesh.cli.process.WgmeshProcesses;
import dev.wgmesh.e2e.Api;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Every service, run as ./wgmesh up and docker run it (its own JVM from its exec jar), stops cleanly on
 * SIGTERM after a rollout: it exits 0, and from the stop on its log has no error, no warning and no
 * stack trace (listener containers stopped, producers flushed and closed, transactions ended).
 */
class CleanShutdownTest {

    @Test
    void everyServiceExitsZeroWithACleanLogOnSigterm() throws Exception {
        Path workDir = Files.createTempDirectory("wgmesh-shutdown-");
        Path logDir = Path.of("target", "process-logs", "CleanShutdownTest-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))).toAbsolutePath();
        try (WgmeshProcesses wgmesh = new WgmeshProcesses(Path.of(System.getProperty("user.dir")).getParent(), workDir,
                logDir)) {
            wgmesh.startPipeline();
            Api api = new Api(wgmesh.apiBase(), wgmesh.apiToken());
            wgmesh.startDeployer("deployer-1", workDir.resolve("out"), Map.of()).awaitStarted(WgmeshProcesses.START_TIMEOUT);
            // a rollout first, so that every consumer, producer and transaction has been at work when the stop comes
            String group = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("examples")
                    .resolve("hoster-6-hosts.json"));
            assertThat(api.put("shutdown", group).status()).isEqualTo(201);
            api.awaitConverged("shutdown", 1, Duration.ofMinutes(2));

            List<ServiceProcess> services = wgmesh.services();
            Map<ServiceProcess, Integer> logLengths = new ConcurrentHashMap<>();
            services.forEach(service -> logLengths.put(service, service.logText().length()));
            Map<ServiceProcess, Integer> exits = new ConcurrentHashMap<>();
            services.parallelStream().forEach(service -> exits.put(service, service.terminate()));

            for (ServiceProcess service : services) {
                String stopLog = service.logText().substring(logLengths.get(service));
                assertThat(exits.get(service)).as("exit code of %s; its log:%n%s", service, service.tail(40)).isZero();
                assertThat(stopLog.lines()).as("%s while stopping", service)
                        .noneMatch(line -> line.contains(" ERROR ") || line.contains(" WARN ")
                                || line.contains("Exception") || line.startsWith("\tat "));
            }
        } finally {
            // the deployed files and the deployers' key are secrets: nothing of them stays behind
            try {
                Processes.deleteTree(workDir);
            } catch (IOException e) {
                System.err.println("could not delete " + workDir + ": " + e);
            }
        }
    }
}
