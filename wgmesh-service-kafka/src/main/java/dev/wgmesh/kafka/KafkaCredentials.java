package dev.wgmesh.kafka;

import dev.wgmesh.common.events.TopicNames;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The passwords of a locked broker and the files made from them, all mode 0600 in one folder:
 * <pre>
 *   passwords.properties          principal=password, made once (random, 32 bytes); the only source
 *   broker-jaas.properties        the broker's PLAIN users (keys {@code tools}, {@code controller}), which its
 *                                 server.properties reads through Kafka's FileConfigProvider
 *   clients/PRINCIPAL.properties  Java clients: SASL_PLAINTEXT with SCRAM-SHA-512
 *   clients/PRINCIPAL.kcat.conf   kcat -F: SASL_PLAINTEXT with PLAIN (Debian's kcat cannot do SCRAM)
 *   broker-security.properties    the broker's SASL and ACL settings ({@link #brokerSettings}), no secret in it
 * </pre>
 * A password never goes on a command line or into a log: each file holds what one reader needs. The files are
 * named by the logical principal; the user names inside carry the installation's prefix ({@link KafkaAccess#user}).
 */
public final class KafkaCredentials {

    public static final String PASSWORDS = "passwords.properties";
    public static final String BROKER_JAAS = "broker-jaas.properties";

    private static final String PLAIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    private static final String SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";

    /** By logical principal. */
    private final Map<String, String> passwords;
    private final TopicNames names;

    private KafkaCredentials(Map<String, String> passwords, TopicNames names) {
        this.passwords = passwords;
        this.names = names;
    }

    /**
     * Reads the passwords in {@code dir}, makes the missing ones, and writes every file from them, with the user
     * names of the installation that {@code names} name.
     */
    public static KafkaCredentials write(Path dir, TopicNames names) throws IOException {
        Path clients = dir.resolve("clients");
        Files.createDirectories(clients);
        Files.setPosixFilePermissions(clients, PosixFilePermissions.fromString("rwx------"));
        Path file = dir.resolve(PASSWORDS);
        Map<String, String> passwords = new LinkedHashMap<>();
        Properties stored = Files.exists(file) ? load(file) : new Properties();
        SecureRandom random = new SecureRandom();
        for (String principal : KafkaAccess.principals()) {
            String password = stored.getProperty(principal);
            if (password == null || password.isBlank()) {
                byte[] bytes = new byte[32];
                random.nextBytes(bytes);
                password = HexFormat.of().formatHex(bytes);
            }
            passwords.put(principal, password);
        }
        KafkaCredentials credentials = new KafkaCredentials(passwords, names);
        writePrivate(file, properties(passwords));
        writePrivate(dir.resolve(BROKER_JAAS), properties(Map.of(
                "tools", credentials.plainServer(credentials.users()),
                // the broker talks to its controller as admin; only admin may
                "controller", credentials.plainServer(Map.of(KafkaAccess.ADMIN, passwords.get(KafkaAccess.ADMIN))))));
        writePrivate(dir.resolve("broker-security.properties"), brokerSettings(dir));
        for (String principal : passwords.keySet()) {
            writePrivate(dir.resolve("clients").resolve(principal + ".properties"),
                    properties(credentials.javaClient(principal)));
            writePrivate(dir.resolve("clients").resolve(principal + ".kcat.conf"),
                    properties(credentials.kcatClient(principal)));
        }
        return credentials;
    }

    /**
     * A locked broker's settings, for a server.properties whose listeners are {@code SERVICES} (SCRAM-SHA-512,
     * the services), {@code TOOLS} (PLAIN: kcat, the broker itself, and the setup before any SCRAM user exists)
     * and {@code CONTROLLER} (PLAIN, admin only). The PLAIN users come from broker-jaas.properties in {@code dir}.
     */
    public static String brokerSettings(Path dir) {
        String jaas = dir.toAbsolutePath().resolve(BROKER_JAAS).toString();
        return """
                # authentication and authorization (KafkaCredentials): no listener without SASL, no access without an ACL
                listener.security.protocol.map=SERVICES:SASL_PLAINTEXT,TOOLS:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
                inter.broker.listener.name=TOOLS
                sasl.mechanism.inter.broker.protocol=PLAIN
                sasl.mechanism.controller.protocol=PLAIN
                listener.name.services.sasl.enabled.mechanisms=SCRAM-SHA-512
                listener.name.services.scram-sha-512.sasl.jaas.config=%2$s required;
                listener.name.tools.sasl.enabled.mechanisms=PLAIN
                listener.name.controller.sasl.enabled.mechanisms=PLAIN
                config.providers=file
                config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
                listener.name.tools.plain.sasl.jaas.config=${file:%1$s:tools}
                listener.name.controller.plain.sasl.jaas.config=${file:%1$s:controller}
                authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
                allow.everyone.if.no.acl.found=false
                super.users=User:%3$s
                """.formatted(jaas, SCRAM_MODULE, KafkaAccess.ADMIN);
    }

    /** The passwords {@link #write} made, from {@code dir}, for the installation that {@code names} name. */
    public static KafkaCredentials read(Path dir, TopicNames names) throws IOException {
        Properties stored = load(dir.resolve(PASSWORDS));
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String principal : KafkaAccess.principals()) {
            String password = stored.getProperty(principal);
            if (password == null || password.isBlank()) {
                throw new IllegalStateException(dir.resolve(PASSWORDS) + " has no password for \"" + principal + "\"");
            }
            passwords.put(principal, password);
        }
        return new KafkaCredentials(passwords, names);
    }

    /** The installation whose users these are. */
    public TopicNames names() {
        return names;
    }

    /** Each Kafka user (the installation's name of a principal) with its password. */
    public Map<String, String> users() {
        Map<String, String> users = new LinkedHashMap<>();
        passwords.forEach((principal, password) -> users.put(KafkaAccess.user(principal, names), password));
        return users;
    }

    /** A Java client's settings on the SCRAM listener. */
    public Map<String, String> javaClient(String principal) {
        return Map.of("security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", login(SCRAM_MODULE, principal));
    }

    /** A Java client's settings on the PLAIN listener: admin's, until the SCRAM users exist. */
    public Map<String, String> plainJavaClient(String principal) {
        return Map.of("security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", login(PLAIN_MODULE, principal));
    }

    /** A client's JAAS line: the principal's Kafka user of this installation and its password. */
    private String login(String module, String principal) {
        return module + " required username=\"" + KafkaAccess.user(principal, names) + "\" password=\""
                + password(principal) + "\";";
    }

    /** librdkafka's names for kcat -F. */
    public Map<String, String> kcatClient(String principal) {
        return Map.of("security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanisms", "PLAIN",
                "sasl.username", KafkaAccess.user(principal, names),
                "sasl.password", password(principal));
    }

    private String password(String principal) {
        String password = passwords.get(principal);
        if (password == null) {
            throw new IllegalArgumentException("no principal \"" + principal + "\"");
        }
        return password;
    }

    /** The server side of PLAIN: the broker's own login (admin) and every user it admits, by Kafka user name. */
    private String plainServer(Map<String, String> users) {
        return PLAIN_MODULE + " required username=\"" + KafkaAccess.ADMIN + "\" password=\""
                + password(KafkaAccess.ADMIN) + "\" " + users.entrySet().stream()
                .map(user -> "user_" + user.getKey() + "=\"" + user.getValue() + "\"")
                .collect(Collectors.joining(" ")) + ";";
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }

    /** Properties text (escaped as Java and librdkafka read it: no key or value here holds a backslash). */
    private static String properties(Map<String, String> entries) {
        StringWriter text = new StringWriter();
        text.write("# written by wgmesh (KafkaCredentials); secret: keep it 0600\n");
        entries.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(entry -> text.write(entry.getKey() + "=" + entry.getValue() + "\n"));
        return text.toString();
    }

    /** 0600 from its creation, then renamed over the file: never readable by others, never half-written. */
    private static void writePrivate(Path file, String text) {
        try {
            Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(temp, text, StandardCharsets.UTF_8);
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
