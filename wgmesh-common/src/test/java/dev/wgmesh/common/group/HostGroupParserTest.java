package dev.wgmesh.common.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.testing.TestGroups;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostGroupParserTest {

    /** The seed's record exactly as the Hoster Command Center's JSON picture shows it. */
    static final String SEED_RECORD = """
            {"hostname": "hoster-zima-0101", "api_address": "hoster-zima-0101", "ssh_port": 22, "http_port": 3000,
             "http_proto": "http", "auth_user": "admin", "auth_password": "123456", "enabled": true,
             "wg": {"net_segment": "198.19.1.10", "net_mask": 24, "endpoint_address": "192.168.8.161",
                    "endpoint_port": 51821, "allowed_subnets": ["10.10.101.0/24"], "interface_suffix": "zima-0101"},
             "created_at": 1715104029, "updated_at": 1715104030}""";

    static HostGroupParser.Result parse(String json) {
        return HostGroupParser.parse(EventJson.mapper().readTree(json), Set.of("revision", "expectedRevision"));
    }

    static Problem at(List<Problem> problems, String field) {
        List<Problem> found = problems.stream().filter(p -> field.equals(p.field())).toList();
        assertThat(found).as("problems at %s among %s", field, problems).hasSize(1);
        return found.get(0);
    }

    @Test
    void aHosterRecordFromTheSeedParses() {
        HostGroupParser.Result result = parse("{\"hosts\": [" + SEED_RECORD + "]}");

        assertThat(result.problems()).isEmpty();
        assertThat(result.ok()).isTrue();
        HostGroupSpec spec = result.spec();
        assertThat(spec.topology()).isEqualTo(Topology.HOSTER);
        assertThat(spec.presharedKeys()).isTrue();
        assertThat(spec.allowBroadRoutes()).isFalse();
        assertThat(spec.tunnelNetwork()).isNull();
        assertThat(spec.mtu()).isNull();
        Host host = spec.hosts().get(0);
        assertThat(host.name()).isEqualTo(HostName.parse("hoster-zima-0101"));
        assertThat(host.slot()).isEqualTo(1);
        assertThat(host.endpoint()).isEqualTo(Endpoint.parse("192.168.8.161:51821"));
        assertThat(host.internalNetworks()).containsExactly(Cidr.parse("10.10.101.0/24"));
        assertThat(host.tunnelSegment()).isEqualTo(InterfaceAddress.parse("198.19.1.10/24"));
        assertThat(host.interfaceSuffix()).isEqualTo("zima-0101");
        assertThat(host.os()).isEqualTo(HostOs.LINUX);
        assertThat(result.paths().get(host.name()).tunnelSegment()).isEqualTo("hosts[0].wg.net_segment");
    }

    @Test
    void aKeyRotationScheduleIsKeptInTheSpecAndSurvivesTheRecord() {
        HostGroupSpec spec = parse("{\"keyRotation\": {\"hostKeyMaxAge\": \"P180D\", \"presharedKeyMaxAge\": \"PT12H\"},"
                + " \"hosts\": [" + SEED_RECORD + "]}").spec();

        assertThat(spec.keyRotation()).isEqualTo(new KeyRotation(Duration.ofDays(180), Duration.ofHours(12)));
        HostGroupSpec read = EventJson.mapper().readValue(EventJson.mapper().writeValueAsString(spec), HostGroupSpec.class);
        assertThat(read).isEqualTo(spec);
        // a record from before the setting existed has none: never rotated by schedule
        assertThat(parse("{\"hosts\": [" + SEED_RECORD + "]}").spec().keyRotation()).isNull();
    }

    @Test
    void theHosterRecordsOtherFieldsAreNeitherKeptNorEchoed() {
        HostGroupSpec spec = parse("{\"hosts\": [" + SEED_RECORD + "]}").spec();
        String json = new String(EventJson.write(spec));

        assertThat(json).doesNotContain("123456").doesNotContain("admin").doesNotContain("api_address")
                .doesNotContain("3000").doesNotContain("1715104029");
        assertThat(spec.toString()).doesNotContain("123456");
    }

    @Test
    void sixHosterRecordsGetSlotsInListOrder() {
        HostGroupSpec spec = TestGroups.spec(TestGroups.hosterJson(6));

        assertThat(spec.hosts()).extracting(Host::slot).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(spec.hosts()).extracting(h -> h.name().value()).containsExactly("hoster-zima-0101",
                "hoster-zima-0102", "hoster-zima-0103", "hoster-zima-0104", "hoster-zima-0105", "hoster-zima-0106");
        assertThat(spec.hosts().get(5).tunnelSegment()).hasToString("198.19.6.10/24");
    }

    @ParameterizedTest
    @CsvSource({"24, 24", "'\"24\"', 24", "'\"255.255.255.0\"', 24", "'\"255.255.0.0\"', 16",
            "'\"255.255.255.252\"', 30", "32, 32", "'\"255.255.255.255\"', 32", "'\"128.0.0.0\"', 1"})
    void netMaskMayBeAPrefixOrADottedMask(String mask, int prefix) {
        String json = SEED_RECORD.replace("\"net_mask\": 24", "\"net_mask\": " + mask);

        HostGroupParser.Result result = parse("{\"hosts\": [" + json + "]}");

        assertThat(result.problems()).isEmpty();
        assertThat(result.spec().hosts().get(0).tunnelSegment().prefix()).isEqualTo(prefix);
    }

    @ParameterizedTest
    @CsvSource({"'\"255.0.255.0\"'", "'\"300.255.255.0\"'", "'\"255.255.256.0\"'", "0", "33", "'\"x\"'", "true",
            "24.5", "null", "'\"0.0.0.0\"'"})
    void badNetMasksAreProblemsQuotingThem(String mask) {
        String json = SEED_RECORD.replace("\"net_mask\": 24", "\"net_mask\": " + mask);

        Problem problem = at(parse("{\"hosts\": [" + json + "]}").problems(), "hosts[0].wg.net_mask");

        assertThat(problem.value()).isEqualTo(mask.equals("null") ? null : mask);
    }

    @Test
    void ownFormParses() {
        HostGroupParser.Result result = parse("""
                {"revision": 3, "mtu": 1420, "persistentKeepalive": 25, "presharedKeys": false, "allowBroadRoutes": true, "hosts": [
                  {"name": "a", "endpoint": "[2001:db8::1]:51820", "tunnelSegment": "198.19.1.10/24",
                   "internalNetworks": ["10.1.0.0/16", "fd00:1::/64"], "interfaceSuffix": "alpha", "os": "freebsd"},
                  {"name": "b", "endpoint": "b.example.com:51820", "tunnelSegment": "198.19.2.10/24"}]}""");

        assertThat(result.problems()).isEmpty();
        HostGroupSpec spec = result.spec();
        assertThat(spec.mtu()).isEqualTo(1420);
        assertThat(spec.persistentKeepalive()).isEqualTo(25);
        assertThat(spec.presharedKeys()).isFalse();
        assertThat(spec.allowBroadRoutes()).isTrue();
        Host a = spec.hosts().get(0);
        assertThat(a.os()).isEqualTo(HostOs.FREEBSD);
        assertThat(a.endpoint().host()).isEqualTo("2001:db8::1");
        assertThat(a.internalNetworks()).hasSize(2);
        Host b = spec.hosts().get(1);
        assertThat(b.slot()).isEqualTo(2);
        assertThat(b.interfaceSuffix()).isNull();
        assertThat(b.internalNetworks()).isEmpty();
        assertThat(result.paths().get(b.name()).endpoint()).isEqualTo("hosts[1].endpoint");
    }

    @Test
    void meshParses() {
        HostGroupParser.Result result = parse(TestGroups.meshJson(3));

        assertThat(result.problems()).isEmpty();
        assertThat(result.spec().topology()).isEqualTo(Topology.MESH);
        assertThat(result.spec().tunnelNetwork()).isEqualTo(Cidr.parse("10.99.0.0/16"));
        assertThat(result.spec().hosts()).allSatisfy(h -> assertThat(h.tunnelSegment()).isNull());
    }

    @Test
    void hosterRecordsMayFormAMesh() {
        HostGroupParser.Result result = parse("{\"topology\": \"mesh\", \"tunnelNetwork\": \"10.99.0.0/24\", \"hosts\": ["
                + SEED_RECORD + "]}");

        assertThat(result.problems()).isEmpty();
        assertThat(result.spec().hosts().get(0).tunnelSegment()).isNull();
        assertThat(result.spec().hosts().get(0).interfaceSuffix()).isNull();
    }

    @Test
    void meshWithoutTunnelNetworkIsAProblem() {
        Problem problem = at(parse("{\"topology\": \"mesh\", \"hosts\": [{\"name\": \"a\", \"endpoint\": \"192.0.2.1:1\"}]}")
                .problems(), "tunnelNetwork");

        assertThat(problem.message()).contains("required");
    }

    @Test
    void everyProblemIsListedAtOnceWithItsPathAndValue() {
        HostGroupParser.Result result = parse("""
                {"topology": "hoster", "mtu": "big", "persistentKeepalive": -1, "presharedKeys": "yes", "allowBroadRoutes": 1,
                 "tunnelNetwork": "10.99.0.0/16", "colour": "blue", "hosts": [
                  {"name": 5, "endpoint": "192.0.2.1:51820", "tunnelSegment": "198.19.1.10/24", "extra": 1},
                  {"name": "b", "endpoint": "192.0.2.2", "tunnelSegment": "198.19.2.10/24",
                   "internalNetworks": ["10.0.0.1/8"], "interfaceSuffix": "much-too-long-suffix"},
                  {"hostname": "c", "wg": {"net_segment": 198, "net_mask": 24, "endpoint_address": "192.0.2.3",
                   "endpoint_port": 70000, "allowed_subnets": "10.3.0.0/16"}},
                  {"name": "d", "endpoint": "192.0.2.4:51820", "tunnelSegment": "198.19.4.10/24", "os": "windows"},
                  "not an object"]}""");

        List<Problem> problems = result.problems();
        assertThat(result.ok()).isFalse();
        assertThat(result.spec()).isNull();
        assertThat(at(problems, "mtu").value()).isEqualTo("\"big\"");
        assertThat(at(problems, "persistentKeepalive").value()).isEqualTo("-1");
        assertThat(at(problems, "presharedKeys").value()).isEqualTo("\"yes\"");
        assertThat(at(problems, "allowBroadRoutes").value()).isEqualTo("1");
        assertThat(at(problems, "allowBroadRoutes").message()).contains("true or false");
        assertThat(at(problems, "tunnelNetwork").message()).contains("mesh");
        assertThat(at(problems, "colour").message()).contains("unknown field \"colour\"");
        assertThat(at(problems, "hosts[0].name").value()).isEqualTo("5");
        assertThat(at(problems, "hosts[0].name").message()).contains("must be a string");
        assertThat(at(problems, "hosts[0].extra").message()).contains("unknown field \"extra\"");
        assertThat(at(problems, "hosts[1].endpoint").value()).isEqualTo("\"192.0.2.2\"");
        assertThat(at(problems, "hosts[1].endpoint").message()).contains("\"192.0.2.2\"");
        assertThat(at(problems, "hosts[1].internalNetworks[0]").value()).isEqualTo("\"10.0.0.1/8\"");
        assertThat(at(problems, "hosts[1].internalNetworks[0]").message()).contains("\"10.0.0.1/8\"", "host bits");
        assertThat(at(problems, "hosts[1].interfaceSuffix").value()).isEqualTo("\"much-too-long-suffix\"");
        assertThat(at(problems, "hosts[1].interfaceSuffix").message()).contains("15");
        assertThat(at(problems, "hosts[2].wg.net_segment").value()).isEqualTo("198");
        assertThat(at(problems, "hosts[2].wg.endpoint_port").value()).isEqualTo("70000");
        assertThat(at(problems, "hosts[2].wg.allowed_subnets").value()).isEqualTo("\"10.3.0.0/16\"");
        assertThat(at(problems, "hosts[3].os").value()).isEqualTo("\"windows\"");
        assertThat(at(problems, "hosts[4]").value()).isEqualTo("\"not an object\"");
    }

    @Test
    void duplicateHostNamesAreProblemsInEitherForm() {
        List<Problem> problems = parse("""
                {"hosts": [
                  {"name": "a", "endpoint": "192.0.2.1:51820", "tunnelSegment": "198.19.1.10/24"},
                  {"name": "b", "endpoint": "192.0.2.2:51820", "tunnelSegment": "198.19.2.10/24"},
                  {"name": "a", "endpoint": "192.0.2.3:51820", "tunnelSegment": "198.19.3.10/24"},
                  {"hostname": "b", "wg": {"net_segment": "198.19.4.10", "net_mask": 24,
                   "endpoint_address": "192.0.2.4", "endpoint_port": 51820}}]}""").problems();

        assertThat(problems).hasSize(2);
        assertThat(at(problems, "hosts[2].name").value()).isEqualTo("\"a\"");
        assertThat(at(problems, "hosts[2].name").message()).contains("\"a\"", "twice");
        assertThat(at(problems, "hosts[3].hostname").value()).isEqualTo("\"b\"");
    }

    @Test
    void tooManyHostsIsAProblem() {
        StringBuilder hosts = new StringBuilder();
        for (int i = 1; i <= Layout.MAX_HOSTER_HOSTS + 1; i++) {
            hosts.append(i > 1 ? "," : "").append("{\"name\": \"h").append(i).append("\", \"endpoint\": \"192.0.2.1:")
                    .append(1000 + i * 200).append("\", \"tunnelSegment\": \"198.19.").append(i).append(".10/24\"}");
        }

        Problem problem = at(parse("{\"hosts\": [" + hosts + "]}").problems(), "hosts");

        assertThat(problem.message()).contains("101", "100");
    }

    @Test
    void theBodyMustBeAnObjectWithHosts() {
        assertThat(at(parse("[1, 2]").problems(), "$").value()).isEqualTo("[1,2]");
        assertThat(at(parse("{}").problems(), "hosts").message()).contains("at least one host");
        assertThat(at(parse("{\"hosts\": []}").problems(), "hosts").value()).isEqualTo("[]");
        assertThat(at(parse("{\"topology\": \"ring\", \"hosts\": []}").problems(), "topology").value())
                .isEqualTo("\"ring\"");
    }

    @Test
    void aHosterRecordNeedsItsWgObjectAndSegment() {
        List<Problem> problems = parse("""
                {"hosts": [{"hostname": "a", "api_address": "x"},
                           {"hostname": "b", "wg": {"endpoint_address": "192.0.2.2", "endpoint_port": 51820}}]}""")
                .problems();

        assertThat(at(problems, "hosts[0].wg").message()).contains("wg object");
        assertThat(at(problems, "hosts[1].wg.net_segment").message()).contains("net_segment");
    }

    @Test
    void meshRejectsASegmentAndAnIpv6TunnelNetwork() {
        List<Problem> problems = parse("""
                {"topology": "mesh", "tunnelNetwork": "fd00::/64", "hosts": [
                  {"name": "a", "endpoint": "192.0.2.1:51820", "tunnelSegment": "198.19.1.10/24"}]}""").problems();

        assertThat(at(problems, "tunnelNetwork").value()).isEqualTo("\"fd00::/64\"");
        assertThat(at(problems, "hosts[0].tunnelSegment").message()).contains("hoster");
    }
}
