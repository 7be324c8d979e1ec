package dev.wgmesh.kafka.testing;

import dev.wgmesh.common.testing.TestTrust;
import dev.wgmesh.common.trust.Signer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives every wgmesh service that a test starts its test signing key and the other services' public
 * keys ({@link TestTrust}), as the lowest-ranked settings: a test that sets its own (an attacker's key, a
 * rollover) wins. The service is told by its application class, {@code KeygenApplication} and so on.
 */
public final class TestTrustEnvironment implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        for (Object source : application.getAllSources()) {
            if (source instanceof Class<?> type && type.getSimpleName().endsWith("Application")) {
                String name = type.getSimpleName().replace("Application", "").toUpperCase(Locale.ROOT);
                for (Signer signer : Signer.values()) {
                    if (signer.name().equals(name)) {
                        Map<String, Object> properties = new HashMap<>(TestTrust.properties(signer));
                        environment.getPropertySources().addLast(new MapPropertySource("wgmesh-test-trust", properties));
                        return;
                    }
                }
            }
        }
    }
}
