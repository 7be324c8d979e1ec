package dev.wgmesh.common.group;

import static dev.wgmesh.common.group.HostGroupParserTest.at;
import static dev.wgmesh.common.group.HostGroupParserTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.testing.TestGroups;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GroupValidatorTest {

    static List<Problem> validate(String json) {
        HostGroupParser.Result result = parse(json);
        assertThat(result.problems()).as("parse problems").isEmpty();
        return GroupValidator.validate(result.spec(), result.paths());
    }

    private static String host(String name, String endpoint, String segment, String... internal) {
        List<String> networks = new ArrayList<>();
        for (String network : internal) {
            networks.add("\"" + network + "\"");
        }
        return "{\"name\": \"" + name + "\", \"endpoint\": \"" + endpoint + "\", \"tunnelSegment\": \"" + segment
                + "\", \"internalNetworks\": " + networks + "}";
    }

    private static String hoster(String... hosts) {
        return "{\"hosts\": [" + String.join(",", hosts) + "]}";
    }

    @Test
    void theSeedsSixHostsAreValid() {
        assertThat(validate(TestGroups.hosterJson(6))).isEmpty();
        assertThat(validate(TestGroups.meshJson(50))).isEmpty();
    }

    @Test
    void aDuplicateEndpointIsAProblemAtTheLaterHost() {
        List<Problem> problems = validate(hoster(
                host("a", "192.0.2.1:51820", "198.19.1.10/24"),
                host("b", "192.0.2.1:51820", "198.19.2.10/24")));

        Problem problem = at(problems, "hosts[1].endpoint");
        assertThat(problem.value()).isEqualTo("\"192.0.2.1:51820\"");
        assertThat(problem.message()).contains("\"a\"", "\"b\"", "192.0.2.1:51820");
    }

    @Test
    void endpointAddressesCompareIgnoringCase() {
        List<Problem> problems = validate("""
                {"topology": "mesh", "tunnelNetwork": "10.99.0.0/24", "hosts": [
                  {"name": "a", "endpoint": "VPN.example.com:51820"}, {"name": "b", "endpoint": "vpn.example.com:51820"}]}""");

        assertThat(at(problems, "hosts[1].endpoint").value()).isEqualTo("\"vpn.example.com:51820\"");
    }

    @Test
    void hosterPortsCollideWhenTwoHostsShareAnAddressAndTheirPortsAreTooClose() {
        // host c listens on 51820 + 0 and + 1 (networks 1 and 2); b on 51821 + 0: both need 51821
        List<Problem> problems = validate(hoster(
                host("a", "192.0.2.1:51000", "198.19.1.10/24"),
                host("b", "192.0.2.9:51821", "198.19.2.10/24"),
                host("c", "192.0.2.9:51820", "198.19.3.10/24")));

        Problem problem = at(problems, "hosts[2].endpoint");
        assertThat(problem.value()).isEqualTo("\"192.0.2.9:51820\"");
        assertThat(problem.message()).contains("192.0.2.9:51821");
    }

    @Test
    void portsFarEnoughApartOnOneAddressAreFine() {
        assertThat(validate(hoster(
                host("a", "192.0.2.9:51820", "198.19.1.10/24"),
                host("b", "192.0.2.9:51830", "198.19.2.10/24"),
                host("c", "192.0.2.9:51840", "198.19.3.10/24")))).isEmpty();
    }

    @Test
    void overlappingInternalNetworksAreProblems() {
        List<Problem> problems = validate(hoster(
                host("a", "192.0.2.1:51820", "198.19.1.10/24", "10.0.0.0/16"),
                host("b", "192.0.2.2:51820", "198.19.2.10/24", "10.0.5.0/24"),
                host("c", "192.0.2.3:51820", "198.19.3.10/24", "fd00::/48", "fd00:0:0:1::/64")));

        assertThat(problems).hasSize(2);
        Problem problem = at(problems, "hosts[1].internalNetworks[0]");
        assertThat(problem.value()).isEqualTo("\"10.0.5.0/24\"");
        assertThat(problem.message()).contains("\"10.0.5.0/24\"", "\"10.0.0.0/16\"", "hosts[0].internalNetworks[0]");
        assertThat(at(problems, "hosts[2].internalNetworks[1]").value()).isEqualTo("\"fd00:0:0:1::/64\"");
    }

    @Test
    void overlappingSegmentsAreProblemsAtTheHosterPath() {
        String json = TestGroups.hosterJson(3).replace("\"198.19.3.10\"", "\"198.19.1.100\"");

        List<Problem> problems = validate(json);

        Problem problem = at(problems, "hosts[2].wg.net_segment");
        assertThat(problem.value()).isEqualTo("\"198.19.1.0/24\"");
        assertThat(problem.message()).contains("hosts[0].wg.net_segment");
    }

    @Test
    void aSegmentMayNotOverlapAnInternalNetwork() {
        List<Problem> problems = validate(hoster(
                host("a", "192.0.2.1:51820", "198.19.1.10/24"),
                host("b", "192.0.2.2:51820", "198.19.2.10/24", "198.19.0.0/16")));

        assertThat(problems).extracting(Problem::field).contains("hosts[0].tunnelSegment");
    }

    @Test
    void aMeshTunnelNetworkMayNotOverlapAnInternalNetwork() {
        List<Problem> problems = validate("""
                {"topology": "mesh", "tunnelNetwork": "10.99.0.0/16", "hosts": [
                  {"name": "a", "endpoint": "192.0.2.1:51820", "internalNetworks": ["10.99.7.0/24"]}]}""");

        Problem problem = at(problems, "hosts[0].internalNetworks[0]");
        assertThat(problem.value()).isEqualTo("\"10.99.7.0/24\"");
        assertThat(problem.message()).contains("\"10.99.0.0/16\" at tunnelNetwork");
    }

    @Test
    void aSegmentMustHoldAnAddressForEveryLaterHost() {
        // host a owns network 1 and needs .253, .254 and .255 for hosts b, c and d: .255 is the broadcast
        List<Problem> problems = validate(hoster(
                host("a", "192.0.2.1:51820", "198.19.1.253/24"),
                host("b", "192.0.2.2:51820", "198.19.2.10/24"),
                host("c", "192.0.2.3:51820", "198.19.3.10/24"),
                host("d", "192.0.2.4:51820", "198.19.4.10/24")));

        Problem problem = at(problems, "hosts[0].tunnelSegment");
        assertThat(problem.value()).isEqualTo("\"198.19.1.253/24\"");
        assertThat(problem.message()).contains("\"a\"", "4 addresses");
    }

    @Test
    void aSegmentMayNotStartAtTheNetworkAddress() {
        List<Problem> problems = validate(hoster(
                host("a", "192.0.2.1:51820", "198.19.1.0/24"),
                host("b", "192.0.2.2:51820", "198.19.2.10/24")));

        assertThat(at(problems, "hosts[0].tunnelSegment").value()).isEqualTo("\"198.19.1.0/24\"");
    }

    @Test
    void listenPortsAbove65535AreProblems() {
        List<Problem> problems = validate(hoster(
                host("a", "192.0.2.1:51820", "198.19.1.10/24"),
                host("b", "192.0.2.2:51820", "198.19.2.10/24"),
                host("c", "192.0.2.3:65535", "198.19.3.10/24"),
                host("d", "192.0.2.4:51820", "198.19.4.10/24")));

        Problem problem = at(problems, "hosts[2].endpoint");
        assertThat(problem.value()).isEqualTo("\"192.0.2.3:65535\"");
        assertThat(problem.message()).contains("65537", "65535");
    }

    @Test
    void twoNetworksWithTheSameInterfaceNameAreAProblem() {
        // "wg-3" is host c's default name (its slot) and host a's by its suffix
        String a = host("a", "192.0.2.1:51820", "198.19.1.10/24").replace("}", ", \"interfaceSuffix\": \"3\"}");
        List<Problem> problems = validate(hoster(a,
                host("b", "192.0.2.2:51820", "198.19.2.10/24"),
                host("c", "192.0.2.3:51820", "198.19.3.10/24"),
                host("d", "192.0.2.4:51820", "198.19.4.10/24")));

        Problem problem = at(problems, "hosts[2].interfaceSuffix");
        assertThat(problem.message()).contains("\"wg-3\"", "\"a\"");
    }

    @Test
    void duplicateSuffixesInHosterRecordsAreProblemsAtTheRecordsPath() {
        String json = TestGroups.hosterJson(3).replace("\"zima-0102\"", "\"zima-0101\"");

        Problem problem = at(validate(json), "hosts[1].wg.interface_suffix");

        assertThat(problem.value()).isEqualTo("\"zima-0101\"");
    }

    @Test
    void aMeshTunnelNetworkTooSmallForTheSlotsIsAProblem() {
        // a /29 has 6 usable addresses, for slots 1..6; the seventh host gets the broadcast address
        String json = TestGroups.meshJson(7).replace("10.99.0.0/16", "10.99.0.0/29");

        Problem problem = at(validate(json), "tunnelNetwork");

        assertThat(problem.value()).isEqualTo("\"10.99.0.0/29\"");
        assertThat(problem.message()).contains("slot 7");
        assertThat(validate(TestGroups.meshJson(6).replace("10.99.0.0/16", "10.99.0.0/29"))).isEmpty();
    }

    /**
     * Host a (endpoint 192.0.2.1) routes the network; host b's endpoint is the second column. Broad
     * routes are refused unless the group allows them; with {@code allowBroadRoutes} every row is valid.
     */
    @ParameterizedTest(name = "{0} with b at {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0/0            | 203.0.113.7:51820          | shorter than /8",
            "0.0.0.0/1            | 203.0.113.7:51820          | shorter than /8",
            "10.0.0.0/7           | 203.0.113.7:51820          | shorter than /8",
            "::/0                 | 203.0.113.7:51820          | shorter than /32",
            "2000::/3             | 203.0.113.7:51820          | shorter than /32",
            "2001:db8::/31        | 203.0.113.7:51820          | shorter than /32",
            "203.0.113.0/24       | 203.0.113.7:51820          | covers 203.0.113.7",
            "203.0.113.7/32       | 203.0.113.7:51820          | covers 203.0.113.7",
            "2001:db8:5::/48      | [2001:db8:5::9]:51820      | covers 2001:db8:5::9",
            "203.0.113.0/24       | [::ffff:203.0.113.7]:51820 | covers ::ffff:203.0.113.7",
            "10.0.0.0/8           | 203.0.113.7:51820          | ",
            "2001:db8::/32        | 203.0.113.7:51820          | ",
            "203.0.113.0/25       | 203.0.113.128:51820        | ",
            "192.0.2.0/24         | 203.0.113.7:51820          | ",
            "203.0.113.0/24       | vpn.example.com:51820      | ",
            "2001:db8:6::/48      | [2001:db8:5::9]:51820      | "})
    void broadRoutesAreProblemsUnlessTheGroupAllowsThem(String network, String endpoint, String problem) {
        String group = """
                {"topology": "mesh", "tunnelNetwork": "10.99.0.0/24", %s"hosts": [
                  {"name": "a", "endpoint": "192.0.2.1:51820", "internalNetworks": ["%s"]},
                  {"name": "b", "endpoint": "%s"}]}""";

        List<Problem> refused = validate(group.formatted("", network, endpoint));
        List<Problem> allowed = validate(group.formatted("\"allowBroadRoutes\": true, ", network, endpoint));

        // a /0 also overlaps the tunnel network: that problem stays when broad routes are allowed
        List<Problem> routes = refused.stream().filter(p -> !allowed.contains(p)).toList();
        if (problem == null) {
            assertThat(routes).isEmpty();
        } else {
            assertThat(routes).singleElement().satisfies(found -> {
                assertThat(found.field()).isEqualTo("hosts[0].internalNetworks[0]");
                assertThat(found.value()).isEqualTo("\"" + network + "\"");
                assertThat(found.message()).contains("\"" + network + "\"", problem, "\"allowBroadRoutes\": true");
            });
        }
        assertThat(allowed).noneMatch(p -> p.message().contains("allowBroadRoutes"));
        assertThat(allowed).allMatch(refused::contains);
    }

    @Test
    void aBroadRouteInAHosterRecordIsAProblemAtItsAllowedSubnets() {
        String json = TestGroups.hosterJson(3).replace("\"10.10.102.0/24\"", "\"192.168.8.0/24\"");

        Problem problem = at(validate(json), "hosts[1].wg.allowed_subnets[0]");

        assertThat(problem.value()).isEqualTo("\"192.168.8.0/24\"");
        assertThat(problem.message()).contains("covers 192.168.8.", "the endpoint of host \"hoster-zima-01");
    }

    @Test
    void aHostMayRouteANetworkThatHoldsItsOwnEndpoint() {
        assertThat(validate("""
                {"topology": "mesh", "tunnelNetwork": "10.99.0.0/24", "hosts": [
                  {"name": "a", "endpoint": "203.0.113.7:51820", "internalNetworks": ["203.0.113.0/24"]},
                  {"name": "b", "endpoint": "192.0.2.1:51820"}]}""")).isEmpty();
    }

    @Test
    void everyValidationProblemIsListedAtOnce() {
        List<Problem> problems = validate(hoster(
                host("a", "192.0.2.1:51820", "198.19.1.254/24", "10.0.0.0/8"),
                host("b", "192.0.2.1:51820", "198.19.1.10/24", "10.1.0.0/16"),
                host("c", "192.0.2.3:65535", "198.19.3.10/24")));

        assertThat(problems).extracting(Problem::field).contains("hosts[1].endpoint", "hosts[1].internalNetworks[0]",
                "hosts[0].tunnelSegment", "hosts[2].endpoint");
        assertThat(problems).allSatisfy(p -> assertThat(p.value()).startsWith("\"").endsWith("\""));
    }
}
