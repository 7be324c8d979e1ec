package dev.wgmesh.kafka.testing;

/**
 * The one embedded broker all test classes of a service module share: spring-kafka's global embedded broker,
 * started once per test JVM by the module's junit-platform.properties. A test class never gets a broker of its
 * own, so the topics hold what the module's earlier test classes left there.
 */
public final class TestBroker {

    /** The system property the broker's address is published in. */
    public static final String BROKERS_PROPERTY = "spring.embedded.kafka.brokers";

    private TestBroker() {
    }

    /** The bootstrap servers, for tests that start the services or their clients themselves. */
    public static String brokers() {
        String brokers = System.getProperty(BROKERS_PROPERTY);
        if (brokers == null) {
            throw new IllegalStateException("no embedded broker: the module's junit-platform.properties starts it"
                    + " with spring.kafka.global.embedded.enabled=true");
        }
        return brokers;
    }
}
