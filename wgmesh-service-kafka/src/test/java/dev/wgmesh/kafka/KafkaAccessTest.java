package dev.wgmesh.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.ResourcePattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaAccessTest {

    @Test
    void theReadmeShowsTheTableTheBrokerGets() throws IOException {
        String readme = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("README.md"));
        assertThat(readme).as("README.md, \"Kafka principals\": paste `KafkaSetup table`").contains(KafkaSetup.table());
    }

    @Test
    void aConsumerWritesTheDeadLettersOfWhatItConsumesAndNoOtherDeadLetters() {
        KafkaAccess deployer = KafkaAccess.ALL.stream().filter(access -> access.principal().equals("deployer"))
                .findFirst().orElseThrow();
        assertThat(deployer.writeTopics()).containsExactlyInAnyOrder(Topics.DEPLOYMENT_REPORTED,
                Topics.HOST_HEALTH_REPORTED, Topics.deadLetter(Topics.HOST_CONFIG_RENDERED));
    }

    @Test
    void withAPrefixEveryUserTopicConsumerGroupAndTransactionalIdOfTheAclsIsTheInstallations() {
        TopicNames teamA = new TopicNames("team-a.");
        for (KafkaAccess access : KafkaAccess.ALL) {
            List<AclBinding> unprefixed = access.bindings(new TopicNames(""));
            List<AclBinding> prefixed = access.bindings(teamA);

            assertThat(prefixed).hasSameSizeAs(unprefixed);
            for (int i = 0; i < prefixed.size(); i++) {
                ResourcePattern resource = unprefixed.get(i).pattern();
                AccessControlEntry entry = unprefixed.get(i).entry();
                assertThat(entry.principal()).isEqualTo("User:" + access.principal());
                assertThat(prefixed.get(i)).isEqualTo(new AclBinding(new ResourcePattern(resource.resourceType(),
                        "team-a." + resource.name(), resource.patternType()), new AccessControlEntry(
                        "User:team-a." + access.principal(), entry.host(), entry.operation(), entry.permissionType())));
            }
        }
        KafkaAccess keygen = KafkaAccess.ALL.stream().filter(access -> access.principal().equals("keygen"))
                .findFirst().orElseThrow();
        assertThat(keygen.bindings(teamA)).extracting(acl -> acl.pattern().name())
                .contains("team-a.wgmesh.host-group-changed", "team-a.wgmesh-keygen", "team-a.wgmesh-keygen-")
                .allMatch(name -> name.startsWith("team-a.wgmesh"));
    }

    @Test
    void theSuperuserIsTheClustersAndKeepsItsName() {
        assertThat(KafkaAccess.user(KafkaAccess.ADMIN, new TopicNames("team-a."))).isEqualTo("admin");
        assertThat(KafkaAccess.user("observer", new TopicNames("team-a."))).isEqualTo("team-a.observer");
        assertThat(KafkaAccess.user("observer", new TopicNames(""))).isEqualTo("observer");
    }

    @Test
    void theClientFilesNameTheInstallationsUsers(@TempDir Path dir) throws IOException {
        KafkaCredentials written = KafkaCredentials.write(dir, new TopicNames("team-a."));

        assertThat(Files.readString(dir.resolve("clients/keygen.properties"))).contains("username=\"team-a.keygen\"");
        assertThat(Files.readString(dir.resolve("clients/observer.kcat.conf"))).contains("sasl.username=team-a.observer");
        assertThat(Files.readString(dir.resolve("clients/admin.properties"))).contains("username=\"admin\"");
        assertThat(Files.readString(dir.resolve(KafkaCredentials.BROKER_JAAS))).contains("user_team-a.deployer=\"");
        // the passwords stay by principal: the same file serves when the prefix is set later
        assertThat(Files.readString(dir.resolve(KafkaCredentials.PASSWORDS))).contains("\nkeygen=")
                .doesNotContain("team-a.");
        KafkaCredentials read = KafkaCredentials.read(dir, new TopicNames("team-a."));
        assertThat(read.users()).isEqualTo(written.users()).containsKey("team-a.renderer");
        assertThat(read.javaClient("renderer")).isEqualTo(written.javaClient("renderer"));
    }

    @Test
    void aTopicThatIsNotWgmeshsIsRefused() {
        assertThatThrownBy(() -> new KafkaAccess("x", Set.of("wgmesh.host-group-comands"), Set.of(), Set.of(), Set.of(),
                null)).hasMessage("x: \"wgmesh.host-group-comands\" is not a wgmesh topic");
    }
}
