package dev.wgmesh.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.DeploymentReported.Outcome;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.wireguard.WgConfigParser;
import dev.wgmesh.e2e.Api;
import dev.wgmesh.e2e.TopicRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** What the fault tests change and what they check after every fault. */
final class Faults {

    private Faults() {
    }

    /** A request's last answer, how many answers before it were 503, and how long each answer took. */
    record Retried(Api.Response answer, int refused, List<Duration> took) {
    }

    /**
     * Sends the request again after each 503 (as a client would while partitions get new leaders or a dead
     * replica's are taken over) for at most {@code within}; every answer, a 503 too, comes within 15 s.
     */
    static Retried retryWhile503(Supplier<Api.Response> request, Duration within) throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        List<Duration> took = new ArrayList<>();
        while (true) {
            Api.Response answer = request.get();
            took.add(answer.took());
            assertThat(answer.took()).as("the API answers within 15 s").isLessThan(Duration.ofSeconds(15));
            if (answer.status() != 503 || Instant.now().isAfter(deadline)) {
                return new Retried(answer, took.size() - 1, took);
            }
            Thread.sleep(500);
        }
    }

    /** A mesh of {@code hosts} hosts; the MTU tells its revisions apart in the deployed files. */
    static ObjectNode mesh(int hosts, int mtu) {
        ObjectNode group = EventJson.mapper().createObjectNode();
        group.put("topology", "mesh");
        group.put("tunnelNetwork", "10.99.0.0/16");
        group.put("mtu", mtu);
        ArrayNode list = group.putArray("hosts");
        IntStream.rangeClosed(1, hosts).forEach(i -> {
            ObjectNode host = list.addObject();
            host.put("name", String.format("node-%03d", i));
            host.put("endpoint", String.format("node-%03d.example.net:51820", i));
        });
        return group;
    }

    /** Per host, in the order reported: an APPLIED revision is never lower than an earlier APPLIED one. */
    static void assertRevisionsNeverGoBack(List<DeploymentReported> reports) {
        Map<String, Long> applied = new HashMap<>();
        List<String> regressions = new ArrayList<>();
        for (DeploymentReported report : reports) {
            if (report.outcome() != Outcome.APPLIED) {
                continue;
            }
            Long before = applied.put(report.host().value(), report.revision());
            if (before != null && report.revision() < before) {
                regressions.add(report.host() + ": " + before + " then " + report.revision() + " by " + report.replica());
            }
        }
        assertThat(regressions).as("hosts that applied an older revision after a newer one").isEmpty();
        assertThat(reports).as("FAILED reports").noneMatch(r -> r.outcome() == Outcome.FAILED);
    }

    /** A change the API accepted: its revision and the MTU that tells it apart. */
    record Change(long revision, int mtu) {
    }

    /**
     * config-service decides a change in one transaction with its command's offset, and a request it answered 503
     * is never decided later: the committed changes of each group are exactly the accepted ones, each once (a 503
     * that became a change and was sent again would show twice). keygen consumes and publishes in one transaction:
     * one keys record per revision, whichever replica keyed it.
     */
    static void assertEachChangeTookEffectOnce(Map<String, Object> kafka, Map<String, List<Change>> accepted)
            throws Exception {
        Map<String, List<Change>> changed = new TreeMap<>();
        Map<String, List<Long>> keyed = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> record : TopicRecords.committed(kafka,
                List.of(Topics.HOST_GROUP_CHANGED, Topics.HOST_GROUP_KEYS_GENERATED))) {
            if (record.value() == null || !accepted.containsKey(record.key())) {
                continue;
            }
            if (record.topic().equals(Topics.HOST_GROUP_CHANGED)) {
                HostGroupChanged change = EventJson.read(record.value(), HostGroupChanged.class);
                changed.computeIfAbsent(record.key(), g -> new ArrayList<>())
                        .add(new Change(change.revision(), change.spec().mtu()));
            } else {
                keyed.computeIfAbsent(record.key(), g -> new ArrayList<>())
                        .add(EventJson.read(record.value(), HostGroupKeysGenerated.class).revision());
            }
        }
        Map<String, List<Long>> revisions = new TreeMap<>();
        accepted.forEach((group, list) -> revisions.put(group, list.stream().map(Change::revision).toList()));
        assertThat(changed).as("each group's changes on %s", Topics.HOST_GROUP_CHANGED).isEqualTo(accepted);
        assertThat(keyed).as("each group's revisions on %s", Topics.HOST_GROUP_KEYS_GENERATED).isEqualTo(revisions);
    }

    /**
     * A deployer commits a partition's offsets after applying its records, so a record whose offset was not
     * committed when the deployer stopped is applied again by the replica that takes the partition: allowed, as
     * long as it writes the same file. Returns how many of the group's reports repeat one before.
     */
    static long assertReappliedTheSame(List<DeploymentReported> reports) {
        Map<String, String> applied = new HashMap<>();
        long repeated = 0;
        for (DeploymentReported report : reports) {
            if (report.outcome() != Outcome.APPLIED) {
                continue;
            }
            String before = applied.putIfAbsent(report.host().value() + "@" + report.revision(), report.contentHash());
            if (before != null) {
                repeated++;
                assertThat(report.contentHash()).as("%s/%s revision %d applied again", report.group().value(),
                        report.host().value(), report.revision()).isEqualTo(before);
            }
        }
        return repeated;
    }

    /** Every host's one file, whole, with the MTU and a peer for every other of the group's {@code hosts}. */
    static void assertDeployedFiles(Path groupDir, int mtu, int hosts) throws IOException {
        List<Path> hostDirs;
        try (Stream<Path> list = Files.list(groupDir)) {
            hostDirs = list.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(hostDirs).hasSize(hosts);
        for (Path hostDir : hostDirs) {
            try (Stream<Path> list = Files.list(hostDir)) {
                assertThat(list.map(p -> p.getFileName().toString()).toList()).as("files of %s", hostDir)
                        .containsExactly("wg0.conf");
            }
            Path conf = hostDir.resolve("wg0.conf");
            WgConfigParser.ParsedConfig config = WgConfigParser.parse(Files.readString(conf));
            assertThat(config.mtu()).as("MTU in %s", conf).isEqualTo(mtu);
            assertThat(config.peers()).hasSize(hosts - 1);
            assertThat(X25519Keys.publicKeyOf(config.privateKey())).isNotNull();
            assertThat(Files.getPosixFilePermissions(conf)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        // this group only: deployers started on an empty state restore the other groups' hosts meanwhile
        try (Stream<Path> all = Files.walk(groupDir)) {
            assertThat(all.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList())
                    .as("temp files left").isEmpty();
        }
    }

    /** The topic's partitions, replicas and leaders as the cluster tells them now. */
    static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    }

    /** Until every partition of every wgmesh topic has {@code replicas} replicas in sync. */
    static void awaitEveryReplicaInSync(Admin admin, int replicas, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        List<String> topics = Topics.ALL.stream().map(Topics.TopicSpec::name).toList();
        String behind = "";
        while (Instant.now().isBefore(deadline)) {
            behind = "";
            for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
                for (TopicPartitionInfo partition : topic.partitions()) {
                    if (partition.isr().size() < replicas) {
                        behind = topic.name() + "-" + partition.partition() + " has " + partition.isr().size() + " in sync";
                    }
                }
            }
            if (behind.isEmpty()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("replicas not caught up within " + timeout + ": " + behind);
    }
}
