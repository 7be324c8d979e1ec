package dev.wgmesh.kafka;

import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;

/**
 * Locks a broker for wgmesh, as its superuser: the SCRAM users, every topic, and the ACLs of {@link KafkaAccess}
 * (ACLs of wgmesh's principals that the table no longer grants are deleted). Safe to run on every start.
 * <pre>
 *   credentials DIR                    make the passwords once and write the files (see KafkaCredentials)
 *   apply DIR BOOTSTRAP [REPLICAS]     as admin over PLAIN on BOOTSTRAP: users, topics (REPLICAS, default 1), ACLs
 *   table                              print the ACL table as Markdown (README, "Kafka principals")
 * </pre>
 * credentials and apply name users, topics, groups and transactional ids with the prefix in WGMESH_TOPIC_PREFIX
 * (see TopicNames): give them the value the installation's services get.
 * wgmesh up calls {@link #apply} itself (UpCommand in wgmesh-cli); compose's kafka-setup runs it from a service image.
 */
public final class KafkaSetup {

    private static final int SCRAM_ITERATIONS = 8192;
    private static final long TIMEOUT_SECONDS = 30;

    private KafkaSetup() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length > 0 ? args[0] : "";
        TopicNames names = new TopicNames(System.getenv().getOrDefault(TopicNames.VARIABLE, ""));
        switch (command) {
            case "credentials" -> KafkaCredentials.write(Path.of(args[1]), names);
            case "apply" -> apply(KafkaCredentials.read(Path.of(args[1]), names), args[2],
                    args.length > 3 ? Short.parseShort(args[3]) : 1);
            case "table" -> System.out.print(table());
            default -> {
                System.err.println("usage: KafkaSetup credentials DIR | apply DIR BOOTSTRAP [REPLICAS] | table");
                System.exit(2);
            }
        }
    }

    /**
     * Connects as admin with PLAIN (SCRAM users may not exist yet) and makes the broker match the table, for the
     * installation the credentials belong to.
     */
    public static void apply(KafkaCredentials credentials, String bootstrapServers, short replicationFactor)
            throws InterruptedException, ExecutionException, TimeoutException {
        TopicNames names = credentials.names();
        Map<String, Object> config = new HashMap<>(credentials.plainJavaClient(KafkaAccess.ADMIN));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(config)) {
            scramUsers(admin, credentials);
            topics(admin, names, replicationFactor);
            acls(admin, names);
        }
    }

    private static void scramUsers(Admin admin, KafkaCredentials credentials)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<UserScramCredentialAlteration> users = credentials.users().entrySet().stream()
                .<UserScramCredentialAlteration>map(user -> new UserScramCredentialUpsertion(user.getKey(),
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), user.getValue()))
                .toList();
        admin.alterUserScramCredentials(users).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Creates the topics that are missing; the services then only describe them (they have no CREATE). */
    private static void topics(Admin admin, TopicNames names, short replicationFactor)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<NewTopic> missing = WgmeshKafkaConfig.newTopics(names, replicationFactor).stream()
                .filter(topic -> !existing.contains(topic.name())).toList();
        if (!missing.isEmpty()) {
            admin.createTopics(missing).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /**
     * The table's ACLs on the installation's names; an ACL of wgmesh's principals that it no longer grants is
     * deleted, but only on a name with the installation's prefix: another installation's are left alone. The
     * principals' names without the prefix count as wgmesh's too: before users carried the prefix, installations
     * shared them, and their grants on this installation's names must go.
     */
    private static void acls(Admin admin, TopicNames names)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<AclBinding> wanted = KafkaAccess.ALL.stream().flatMap(access -> access.bindings(names).stream())
                .collect(Collectors.toSet());
        Set<String> ours = KafkaAccess.ALL.stream()
                .flatMap(access -> Stream.of(access.principal(), KafkaAccess.user(access.principal(), names)))
                .map(user -> "User:" + user).collect(Collectors.toSet());
        Collection<AclBinding> present = admin.describeAcls(AclBindingFilter.ANY).values()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<AclBinding> stale = present.stream()
                .filter(acl -> ours.contains(acl.entry().principal()) && !wanted.contains(acl)
                        && names.logical(acl.pattern().name()).isPresent())
                .toList();
        if (!stale.isEmpty()) {
            admin.deleteAcls(stale.stream().map(AclBinding::toFilter).toList()).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        Set<AclBinding> missing = new HashSet<>(wanted);
        missing.removeAll(present);
        if (!missing.isEmpty()) {
            admin.createAcls(missing).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        awaitBrokerSees(admin, wanted, stale);
    }

    /**
     * createAcls and deleteAcls return once the controller has the change; the broker's authorizer applies it a
     * moment later, and a client that connects in between is judged by the old ACLs. describeAcls is answered by
     * the broker, so wait for it.
     */
    private static void awaitBrokerSees(Admin admin, Set<AclBinding> wanted, List<AclBinding> deleted)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            Collection<AclBinding> present = admin.describeAcls(AclBindingFilter.ANY).values()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (present.containsAll(wanted) && deleted.stream().noneMatch(present::contains)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the broker did not apply wgmesh's ACLs within " + TIMEOUT_SECONDS + " s");
            }
            Thread.sleep(100);
        }
    }

    /** The table as the README shows it. */
    static String table() {
        StringBuilder text = new StringBuilder("""
                | principal | reads | writes | consumer groups | transactional ids |
                |---|---|---|---|---|
                | `admin` | everything (superuser) | everything | any | any |
                """);
        for (KafkaAccess access : KafkaAccess.ALL) {
            List<String> groups = new ArrayList<>(access.groups().stream().sorted().map(g -> "`" + g + "`").toList());
            text.append("| `").append(access.principal()).append("` | ")
                    .append(list(access.readTopics())).append(" | ")
                    .append(list(access.writeTopics())).append(" | ")
                    .append(groups.isEmpty() ? "none" : String.join(", ", groups)).append(" | ")
                    .append(access.transactionalIdPrefix() == null ? "none" : "`" + access.transactionalIdPrefix() + "*`")
                    .append(" |\n");
        }
        return text.toString();
    }

    private static String list(Set<String> topics) {
        if (topics.containsAll(Topics.ALL.stream().map(Topics.TopicSpec::name).toList())) {
            return "every topic";
        }
        return topics.isEmpty() ? "none" : topics.stream().sorted().map(t -> "`" + t + "`").collect(Collectors.joining(", "));
    }
}
