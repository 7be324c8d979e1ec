package dev.wgmesh.e2e;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.config.ConfigApplication;
import dev.wgmesh.deployer.DeployerApplication;
import dev.wgmesh.keygen.KeygenApplication;
import dev.wgmesh.renderer.RendererApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The four services, each in its own Spring context (as separate processes would be), against one
 * broker. {@link #restart()} closes them all and starts them again on the same broker and disk.
 */
final class Wgmesh implements AutoCloseable {

    private final String bootstrapServers;
    private final Path outDir;
    private final Path deployerKeyFile;
    private final String deployerPublicKey;
    private final int deployers;
    private final List<ConfigurableApplicationContext> running = new ArrayList<>();
    private Api api;

    Wgmesh(String bootstrapServers, Path workDir, int deployers) throws IOException {
        this.bootstrapServers = bootstrapServers;
        this.outDir = workDir.resolve("out");
        this.deployers = deployers;
        X25519Keys.KeyPair deployerKey = X25519Keys.generate(new SecureRandom());
        this.deployerKeyFile = workDir.resolve("deployer.key");
        Files.writeString(deployerKeyFile, deployerKey.privateKey().base64() + "\n");
        this.deployerPublicKey = deployerKey.publicKey().base64();
        start();
    }

    private void start() {
        running.add(run(ConfigApplication.class, Map.of("server.port", "0")));
        running.add(run(KeygenApplication.class, Map.of("wgmesh.deployer-public-key", deployerPublicKey)));
        running.add(run(RendererApplication.class, Map.of()));
        for (int i = 1; i <= deployers; i++) {
            running.add(run(DeployerApplication.class, Map.of(
                    "wgmesh.deployer-private-key-file", deployerKeyFile.toString(),
                    "wgmesh.out-dir", outDir.toString(),
                    "wgmesh.replica", "deployer-" + i)));
        }
        String port = running.get(0).getEnvironment().getProperty("local.server.port");
        api = new Api("http://127.0.0.1:" + port);
    }

    private ConfigurableApplicationContext run(Class<?> application, Map<String, Object> properties) {
        return new SpringApplicationBuilder(application)
                .properties(Map.of("spring.kafka.bootstrap-servers", bootstrapServers))
                .properties(properties)
                .run();
    }

    void restart() {
        stop();
        start();
    }

    Api api() {
        return api;
    }

    Path outDir() {
        return outDir;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    private void stop() {
        // the deployers first, the API last: the reverse of the pipeline
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        running.clear();
    }

    @Override
    public void close() {
        stop();
    }
}
