package dev.wgmesh.e2e;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.config.ConfigApplication;
import dev.wgmesh.deployer.DeployerApplication;
import dev.wgmesh.keygen.KeygenApplication;
import dev.wgmesh.renderer.RendererApplication;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The four services, each in its own Spring context (as separate processes would be), against one
 * broker. {@link #restart()} closes them all and starts them again on the same broker and disk.
 */
public final class Wgmesh implements AutoCloseable {

    private final String bootstrapServers;
    private final Path outDir;
    private final Path deployerKeyFile;
    private final String deployerPublicKey;
    private final int deployers;
    private final Map<String, String> deployerSettings;
    private final List<ConfigurableApplicationContext> running = new ArrayList<>();
    private final String apiToken = Api.newToken();
    private Api api;

    public Wgmesh(String bootstrapServers, Path workDir, int deployers) throws IOException {
        this(bootstrapServers, workDir, deployers, Map.of());
    }

    /** @param deployerSettings extra deployer properties, such as the {@code command} target's */
    public Wgmesh(String bootstrapServers, Path workDir, int deployers, Map<String, String> deployerSettings)
            throws IOException {
        this.bootstrapServers = bootstrapServers;
        this.deployerSettings = Map.copyOf(deployerSettings);
        this.outDir = workDir.resolve("out");
        this.deployers = deployers;
        X25519Keys.KeyPair deployerKey = X25519Keys.generate(new SecureRandom());
        this.deployerKeyFile = workDir.resolve("deployer.key");
        Files.writeString(deployerKeyFile, deployerKey.privateKey().base64() + "\n");
        Files.setPosixFilePermissions(deployerKeyFile, PosixFilePermissions.fromString("rw-------"));
        this.deployerPublicKey = deployerKey.publicKey().base64();
        start();
    }

    private void start() {
        running.add(run(ConfigApplication.class, Map.of("server.port", "0", "wgmesh.api-token", apiToken)));
        running.add(run(KeygenApplication.class, Map.of("wgmesh.deployer-public-key", deployerPublicKey,
                "spring.main.web-application-type", "none")));
        running.add(run(RendererApplication.class, Map.of("spring.main.web-application-type", "none")));
        for (int i = 1; i <= deployers; i++) {
            Map<String, String> settings = new HashMap<>(deployerSettings);
            settings.put("wgmesh.deployer-private-key-file", deployerKeyFile.toString());
            settings.put("wgmesh.out-dir", outDir.toString());
            settings.put("wgmesh.replica", "deployer-" + i);
            settings.put("spring.main.web-application-type", "none");
            running.add(run(DeployerApplication.class, settings));
        }
        String port = running.get(0).getEnvironment().getProperty("local.server.port");
        api = new Api("http://127.0.0.1:" + port, apiToken);
    }

    /** Settings go in as command-line arguments, which win over the services' own property files. */
    private ConfigurableApplicationContext run(Class<?> application, Map<String, String> properties) {
        List<String> args = new ArrayList<>();
        args.add("--spring.kafka.bootstrap-servers=" + bootstrapServers);
        properties.forEach((key, value) -> args.add("--" + key + "=" + value));
        return new SpringApplicationBuilder(application).run(args.toArray(String[]::new));
    }

    void restart() {
        stop();
        start();
    }

    public Api api() {
        return api;
    }

    /** The deployers' X25519 public key, which keygen seals every secret to (printed by ./wgmesh up, so public). */
    String deployerPublicKey() {
        return deployerPublicKey;
    }

    /** A counter of the deployers, summed over them: such as {@code wgmesh.host.looks} with {@code look=brief}. */
    double deployerCount(String name, String tag, String value) {
        return running.stream().filter(context -> context.getBeanNamesForType(DeployerApplication.class).length > 0)
                .mapToDouble(context -> context.getBean(MeterRegistry.class).find(name).tag(tag, value).counters()
                        .stream().mapToDouble(Counter::count).sum())
                .sum();
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
