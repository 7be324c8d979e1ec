package dev.wgmesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.Layout;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hundreds of malformed and hostile requests: every one gets a 4xx problem document, none a 5xx, and
 * not one record appears on any topic.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "wgmesh.api.insecure-no-auth=true"})
class HostileInputTest {

    private static final String GROUPS = "/api/v1/groups/";
    /** Unicode tricks, percent-encoded for a path and raw for a JSON string. */
    private static final Map<String, String> TRICKS = new LinkedHashMap<>();

    static {
        TRICKS.put("cyrillic o homoglyph", "gr\u043eup");
        TRICKS.put("right-to-left override", "\u202epuorg");
        TRICKS.put("NUL", "group\u0000x");
        TRICKS.put("combining acute", "cafe\u0301");
        TRICKS.put("fullwidth digits", "host\uff11\uff12");
        TRICKS.put("zero-width space", "ho\u200bst");
        TRICKS.put("emoji", "host\ud83d\ude00");
        TRICKS.put("fullwidth latin", "\uff47roup");
        TRICKS.put("dotless i", "\u0131nfra");
        TRICKS.put("newline", "group\nx");
    }

    record Case(String name, String method, String path, String contentType, byte[] body, String... headers) {
    }

    @LocalServerPort
    int port;

    @Value("${spring.embedded.kafka.brokers}")
    String brokers;

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void everyHostileRequestGetsAProblemDocumentAndPublishesNothing() throws Exception {
        TestHttp http = new TestHttp(port);
        assertThat(http.put(GROUPS + "base", GroupApiTest.HOSTER_GROUP).status()).isEqualTo(201);
        TestKafka kafka = new TestKafka(brokers);
        kafka.await(Topics.HOST_GROUP_CHANGED, "base", 1);
        Map<String, Long> before = counts(kafka);

        List<Case> cases = cases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(200);
        assertThat(cases.stream().map(Case::name).distinct().count()).isEqualTo(cases.size());
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            HttpResponse<String> response = send(c);
            String type = response.headers().firstValue("Content-Type").orElse("");
            boolean problem = false;
            try {
                JsonNode body = EventJson.mapper().readTree(response.body());
                problem = body.get("status").intValue() == response.statusCode() && body.get("errors").isArray();
            } catch (RuntimeException e) {
                // not JSON: reported below
            }
            if (response.statusCode() < 400 || response.statusCode() > 499 || !type.startsWith("application/problem+json") || !problem) {
                wrong.add(c.name() + " -> " + response.statusCode() + " " + type + " " + abbreviate(response.body()));
            }
        }
        assertThat(wrong).as("answers that are not a 4xx problem document").isEmpty();

        assertThat(counts(kafka)).as("records on every topic").isEqualTo(before);
        assertThat(http.get(GROUPS + "base").etag()).isEqualTo("\"1\"");
        System.out.printf("hostile input: %d requests, every one a 4xx problem document, no record published%n", cases.size());
    }

    private List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        String json = "application/json";

        // broken JSON
        List<String> broken = List.of("{", "}", "[", "{\"hosts\": [", "{'hosts': []}", "{\"hosts\": []}}", "nul", "{\"a\":1,}",
                "{\"hosts\": [1,2,]}", "{\"mtu\": NaN}", "{\"mtu\": 01280}", "{\"mtu\": 1e400}", "\"a string\"", "123", "true",
                "null", "{\"hosts\": \"unterminated}", "{\"hosts\" [] }", "{\"hosts\": [{\"name\": \"a\" \"endpoint\": 1}]}",
                "{\"\\u0000\": 1}", "{\"hosts\": [] /* comment */}", "{} {}", "\u0000", "   ", "{\"hosts\": [\"\\ud800\"]}",
                "[".repeat(5_000) + "]".repeat(5_000), "{\"a\":".repeat(3_000) + "1" + "}".repeat(3_000));
        for (int i = 0; i < broken.size(); i++) {
            cases.add(new Case("broken JSON #" + i, "PUT", GROUPS + "hostile", json, utf8(broken.get(i))));
        }
        cases.add(new Case("invalid UTF-8", "PUT", GROUPS + "hostile", json, new byte[]{'{', '"', (byte) 0xC3, 0x28, '"', ':', '1', '}'}));
        cases.add(new Case("empty body", "PUT", GROUPS + "hostile", json, new byte[0]));

        // wrong types, field by field
        Map<String, List<String>> wrongTypes = new LinkedHashMap<>();
        List<String> anyWrong = List.of("1", "true", "[]", "{}");
        for (String field : List.of("topology", "tunnelNetwork", "mtu", "persistentKeepalive", "presharedKeys", "allowBroadRoutes",
                "hosts")) {
            wrongTypes.put(field, field.equals("mtu") || field.equals("persistentKeepalive")
                    ? List.of("\"big\"", "true", "[]", "{}", "1400.5", "-1", "99999999999999999999")
                    : field.equals("presharedKeys") || field.equals("allowBroadRoutes") ? List.of("1", "\"yes\"", "[]", "{}") : anyWrong);
        }
        wrongTypes.forEach((field, values) -> values.forEach(value ->
                cases.add(new Case("group field " + field + " = " + value, "PUT", GROUPS + "hostile", json, withField(field, value)))));
        for (String field : List.of("name", "endpoint", "internalNetworks", "tunnelSegment", "interfaceSuffix", "os")) {
            for (String value : List.of("1", "true", "{}", field.equals("internalNetworks") ? "\"10.1.0.0/24\"" : "[]")) {
                cases.add(new Case("host field " + field + " = " + value, "PUT", GROUPS + "hostile", json, withHostField(field, value)));
            }
        }
        cases.add(new Case("hosts entry is a string", "PUT", GROUPS + "hostile", json, utf8("{\"hosts\": [\"h1\"]}")));
        cases.add(new Case("hosts entry is null", "PUT", GROUPS + "hostile", json, utf8("{\"hosts\": [null]}")));
        cases.add(new Case("unknown top-level field", "PUT", GROUPS + "hostile", json, withField("colour", "\"red\"")));
        cases.add(new Case("command field smuggled into a PUT", "PUT", GROUPS + "base", json, withField("action", "\"delete\"")));
        cases.add(new Case("expectedRevision smuggled into a PUT", "PUT", GROUPS + "base", json, withField("expectedRevision", "1")));
        cases.add(new Case("name differs from the path", "PUT", GROUPS + "hostile", json, withField("name", "\"base\"")));
        cases.add(new Case("unknown topology", "PUT", GROUPS + "hostile", json, withField("topology", "\"star\"")));
        cases.add(new Case("mtu too small", "PUT", GROUPS + "hostile", json, withField("mtu", "1279")));
        cases.add(new Case("mtu too big", "PUT", GROUPS + "hostile", json, withField("mtu", "9001")));
        cases.add(new Case("keepalive too big", "PUT", GROUPS + "hostile", json, withField("persistentKeepalive", "65536")));
        cases.add(new Case("no hosts field", "PUT", GROUPS + "hostile", json, utf8("{\"mtu\": 1420}")));

        // invalid group names in the path, for every call that takes one
        List<String> badGroups = new ArrayList<>(List.of("Bad_Name", "-lead", "a".repeat(64), "UPPER", "dots.in.name", "space%20x",
                "tab%09x", "semi%3Bcolon", "quote%22x", "%3Cscript%3E", "%25", "percent%2541"));
        TRICKS.values().forEach(trick -> badGroups.add(pathEncode(trick)));
        for (String group : badGroups) {
            cases.add(new Case("PUT group name " + group, "PUT", GROUPS + group, json, utf8(GroupApiTest.HOSTER_GROUP)));
            cases.add(new Case("DELETE group name " + group, "DELETE", GROUPS + group, null, null));
            cases.add(new Case("rotate group name " + group, "POST", GROUPS + group + "/rotate-keys", null, null));
        }
        // invalid host names: in the body and in the rotate path
        for (Map.Entry<String, String> trick : TRICKS.entrySet()) {
            cases.add(new Case("host name with " + trick.getKey(), "PUT", GROUPS + "hostile", json,
                    withHostField("name", EventJson.mapper().writeValueAsString(trick.getValue()))));
            cases.add(new Case("rotate host name with " + trick.getKey(), "POST",
                    GROUPS + "base/hosts/" + pathEncode(trick.getValue()) + "/rotate-keys", null, null));
        }
        cases.add(new Case("endpoint port in fullwidth digits", "PUT", GROUPS + "hostile", json,
                withHostField("endpoint", "\"192.0.2.1:\uff15\uff11\uff18\uff12\uff10\"")));
        cases.add(new Case("endpoint address in fullwidth digits", "PUT", GROUPS + "hostile", json,
                withHostField("endpoint", "\"\uff11\uff19\uff12.0.2.1:51820\"")));
        cases.add(new Case("os in fullwidth latin", "PUT", GROUPS + "hostile", json, withHostField("os", "\"\uff4cinux\"")));
        cases.add(new Case("interface suffix with RTL override", "PUT", GROUPS + "hostile", json,
                withHostField("interfaceSuffix", "\"\u202ewg\"")));
        cases.add(new Case("interface name over 15 characters", "PUT", GROUPS + "hostile", json,
                withHostField("interfaceSuffix", "\"abcdefghijklmnop\"")));

        // CIDRs and addresses
        List<String> badCidrs = List.of("10.0.0.1/24", "10.0.0.0/33", "10.0.0.0/-1", "300.1.1.0/24", "10.0.0.0", "::1/129",
                "10.0.0.0/24/1", "10.0.0.0/0x18", "\uff11\uff10.0.0.0/8", "10.0.0.0/ 24", "", " 10.0.0.0/24", "10.0.0.0/024x",
                "fe80::1/64", "10.0.0.0\u0000/8");
        for (String cidr : badCidrs) {
            cases.add(new Case("internal network " + EventJson.mapper().writeValueAsString(cidr), "PUT", GROUPS + "hostile", json,
                    withHostField("internalNetworks", "[" + EventJson.mapper().writeValueAsString(cidr) + "]")));
        }
        for (String segment : List.of("198.19.1.10/33", "198.19.1.10", "198.19.1.999/24", "198.19.1.10/8x", "-1")) {
            cases.add(new Case("tunnel segment " + segment, "PUT", GROUPS + "hostile", json,
                    withHostField("tunnelSegment", "\"" + segment + "\"")));
        }
        for (String endpoint : List.of("192.0.2.1", "192.0.2.1:0", "192.0.2.1:65536", "[::1]", "::1:51820", "host name:1", ":51820",
                "192.0.2.1:-5", "http://192.0.2.1:51820")) {
            cases.add(new Case("endpoint " + endpoint, "PUT", GROUPS + "hostile", json, withHostField("endpoint", "\"" + endpoint + "\"")));
        }
        cases.add(new Case("mesh tunnel network with host bits", "PUT", GROUPS + "hostile", json,
                utf8("{\"topology\": \"mesh\", \"tunnelNetwork\": \"10.99.0.1/16\", \"hosts\": [{\"name\": \"m1\", \"endpoint\": \"192.0.2.1:51820\"}]}")));
        cases.add(new Case("mesh without tunnel network", "PUT", GROUPS + "hostile", json,
                utf8("{\"topology\": \"mesh\", \"hosts\": [{\"name\": \"m1\", \"endpoint\": \"192.0.2.1:51820\"}]}")));

        // routes that would draw the peers' traffic into one host: too broad, or over another host's endpoint
        for (String broad : List.of("::/0", "0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "2000::/3", "::/1", "8000::/1", "10.0.0.0/7",
                "2001:db8::/31", "192.0.2.0/24", "192.0.2.2/32", "192.0.0.0/16")) {
            cases.add(new Case("broad route " + broad, "PUT", GROUPS + "hostile", json,
                    withHostField("internalNetworks", "[" + EventJson.mapper().writeValueAsString(broad) + "]")));
        }
        cases.add(new Case("default route split in two halves", "PUT", GROUPS + "hostile", json,
                withHostField("internalNetworks", "[\"0.0.0.0/1\", \"128.0.0.0/1\", \"::/1\", \"8000::/1\"]")));
        cases.add(new Case("broad route in a Hoster record", "PUT", GROUPS + "hostile", json, utf8("{\"hosts\": ["
                + GroupApiTest.hoster("x", 1).replace("\"10.10.101.0/24\"", "\"::/0\"") + ", " + h("h2", 2, 2, 2) + "]}")));
        cases.add(new Case("broad route replacing base", "PUT", GROUPS + "base", json,
                withHostField("internalNetworks", "[\"::/0\"]")));
        cases.add(new Case("allowBroadRoutes false with a broad route", "PUT", GROUPS + "hostile", json,
                withFields("allowBroadRoutes", "false", "internalNetworks", "[\"::/0\"]")));
        cases.add(new Case("allowBroadRoutes null with a broad route", "PUT", GROUPS + "hostile", json,
                withFields("allowBroadRoutes", "null", "internalNetworks", "[\"::/0\"]")));
        cases.add(new Case("allowBroadRoutes as a host field", "PUT", GROUPS + "hostile", json,
                withHostField("allowBroadRoutes", "true")));

        // duplicates and overlaps
        cases.add(new Case("duplicate host names", "PUT", GROUPS + "hostile", json, hosts(h("h1", 1, 1, 1), h("h1", 2, 2, 2))));
        cases.add(new Case("duplicate host via hostname", "PUT", GROUPS + "hostile", json,
                utf8("{\"hosts\": [" + h("h1", 1, 1, 1) + ", " + GroupApiTest.hoster("x", 2).replace("hoster-x", "h1") + "]}")));
        cases.add(new Case("duplicate endpoints", "PUT", GROUPS + "hostile", json, hosts(h("h1", 1, 1, 1), h("h2", 1, 2, 2))));
        cases.add(new Case("overlapping internal networks", "PUT", GROUPS + "hostile", json, hosts(h("h1", 1, 1, 1), h("h2", 2, 1, 2))));
        cases.add(new Case("overlapping tunnel segments", "PUT", GROUPS + "hostile", json, hosts(h("h1", 1, 1, 1), h("h2", 2, 2, 1))));
        cases.add(new Case("internal network inside a tunnel segment", "PUT", GROUPS + "hostile", json,
                utf8("{\"hosts\": [" + h("h1", 1, 1, 1) + ", {\"name\": \"h2\", \"endpoint\": \"192.0.2.2:51820\", "
                        + "\"internalNetworks\": [\"198.19.1.0/25\"], \"tunnelSegment\": \"198.19.2.1/24\"}]}")));
        cases.add(new Case("one host's networks overlap each other", "PUT", GROUPS + "hostile", json,
                withHostField("internalNetworks", "[\"10.1.0.0/16\", \"10.1.2.0/24\"]")));
        cases.add(new Case("replacing base with duplicate names", "PUT", GROUPS + "base", json, hosts(h("h1", 1, 1, 1), h("h1", 2, 2, 2))));

        // more hosts than the documented limit
        cases.add(new Case("hoster over " + Layout.MAX_HOSTER_HOSTS + " hosts", "PUT", GROUPS + "hostile", json, manyHosts(false,
                Layout.MAX_HOSTER_HOSTS + 1)));
        cases.add(new Case("mesh over " + Layout.MAX_MESH_HOSTS + " hosts", "PUT", GROUPS + "hostile", json, manyHosts(true,
                Layout.MAX_MESH_HOSTS + 1)));

        // huge bodies
        cases.add(new Case("9 MB body", "PUT", GROUPS + "hostile", json, utf8("{\"hosts\": [\"" + "x".repeat(9 * 1024 * 1024) + "\"]}")));
        cases.add(new Case("8 MB of whitespace", "PUT", GROUPS + "hostile", json, utf8(" ".repeat(8 * 1024 * 1024 + 1))));

        // path traversal and encoded separators
        List<String> traversals = List.of("..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "..%252F..%252F",
                "a%2Fb", "a%5Cb", ".%2e/", "%2e%2e%2f", "..%5c..%5c", "%252e%252e", "..;/..;/", "%c0%ae%c0%ae", "%00", "..%00",
                "base%2F..%2Fother");
        for (String traversal : traversals) {
            cases.add(new Case("PUT traversal " + traversal, "PUT", GROUPS + traversal, json, utf8(GroupApiTest.HOSTER_GROUP)));
            cases.add(new Case("DELETE traversal " + traversal, "DELETE", GROUPS + traversal, null, null));
        }
        cases.add(new Case("rotate host traversal", "POST", GROUPS + "base/hosts/..%2F..%2Frotate-keys/rotate-keys", null, null));
        cases.add(new Case("rotate host dot-dot", "POST", GROUPS + "base/hosts/%2e%2e/rotate-keys", null, null));
        cases.add(new Case("GET above the root", "GET", "/api/v1/groups/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", null, null));

        // wrong methods
        cases.add(new Case("PATCH a group", "PATCH", GROUPS + "base", json, utf8("{}")));
        cases.add(new Case("PUT the collection", "PUT", "/api/v1/groups", json, utf8(GroupApiTest.HOSTER_GROUP)));
        cases.add(new Case("POST a group", "POST", GROUPS + "base", json, utf8(GroupApiTest.HOSTER_GROUP)));
        cases.add(new Case("DELETE the collection", "DELETE", "/api/v1/groups", null, null));
        cases.add(new Case("PUT status", "PUT", GROUPS + "base/status", json, utf8("{}")));
        cases.add(new Case("GET rotate-keys", "GET", GROUPS + "base/rotate-keys", null, null));
        cases.add(new Case("PROPFIND", "PROPFIND", GROUPS + "base", null, null));
        cases.add(new Case("DELETE a host", "DELETE", GROUPS + "base/hosts/hoster-zima-0101", null, null));

        // wrong content types, with a valid body
        for (String type : List.of("text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
                "garbage", "application/json;;;=", "text/json", "image/png")) {
            cases.add(new Case("content type " + type, "PUT", GROUPS + "hostile", type, utf8(GroupApiTest.HOSTER_GROUP)));
        }

        // bad and stale If-Match
        for (String ifMatch : List.of("abc", "\"-1\"", "\"1\", \"2\"", "W/\"x\"", "\"99999999999999999999\"", "\"\"", "1.0", "**")) {
            cases.add(new Case("If-Match " + ifMatch, "PUT", GROUPS + "base", json, utf8(GroupApiTest.HOSTER_GROUP), "If-Match", ifMatch));
        }
        cases.add(new Case("stale If-Match", "PUT", GROUPS + "base", json, utf8(GroupApiTest.HOSTER_GROUP), "If-Match", "\"7\""));
        cases.add(new Case("If-Match on a missing group", "PUT", GROUPS + "hostile", json, utf8(GroupApiTest.HOSTER_GROUP), "If-Match", "*"));
        cases.add(new Case("stale If-Match on delete", "DELETE", GROUPS + "base", null, null, "If-Match", "\"0\""));
        cases.add(new Case("stale If-Match on rotate", "POST", GROUPS + "base/rotate-keys", null, null, "If-Match", "\"2\""));
        cases.add(new Case("delete a missing group", "DELETE", GROUPS + "hostile", null, null));
        cases.add(new Case("rotate a missing group", "POST", GROUPS + "hostile/rotate-keys", null, null));
        cases.add(new Case("rotate a missing host", "POST", GROUPS + "base/hosts/nobody/rotate-keys", null, null));
        cases.add(new Case("Accept XML", "GET", GROUPS + "nobody", null, null, "Accept", "application/xml"));
        return cases;
    }

    private HttpResponse<String> send(Case c) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + c.path()))
                .method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(c.body()));
        if (c.contentType() != null) {
            request.header("Content-Type", c.contentType());
        }
        for (int i = 0; i < c.headers().length; i += 2) {
            request.header(c.headers()[i], c.headers()[i + 1]);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Long> counts(TestKafka kafka) {
        return Topics.ALL.stream().collect(Collectors.toMap(Topics.TopicSpec::name, t -> kafka.count(t.name())));
    }

    private static ObjectNode base() {
        return (ObjectNode) EventJson.mapper().readTree("{\"hosts\": [" + h("h1", 1, 1, 1) + ", " + h("h2", 2, 2, 2) + "]}");
    }

    private static byte[] withField(String field, String json) {
        ObjectNode body = base();
        body.set(field, EventJson.mapper().readTree(json));
        return EventJson.mapper().writeValueAsBytes(body);
    }

    /** A group field and a field of its first host. */
    private static byte[] withFields(String groupField, String groupJson, String hostField, String hostJson) {
        ObjectNode body = base();
        body.set(groupField, EventJson.mapper().readTree(groupJson));
        ((ObjectNode) body.get("hosts").get(0)).set(hostField, EventJson.mapper().readTree(hostJson));
        return EventJson.mapper().writeValueAsBytes(body);
    }

    private static byte[] withHostField(String field, String json) {
        ObjectNode body = base();
        ((ObjectNode) body.get("hosts").get(0)).set(field, EventJson.mapper().readTree(json));
        return EventJson.mapper().writeValueAsBytes(body);
    }

    /** A valid hoster host: endpoint 192.0.2.e, internal network 10.10.n.0/24, segment 198.19.s.1/24. */
    private static String h(String name, int e, int n, int s) {
        return """
                {"name": "%s", "endpoint": "192.0.2.%d:51820", "internalNetworks": ["10.10.%d.0/24"], "tunnelSegment": "198.19.%d.1/24"}"""
                .formatted(name, e, n, s);
    }

    private static byte[] hosts(String... hosts) {
        return utf8("{\"hosts\": [" + String.join(", ", hosts) + "]}");
    }

    private static byte[] manyHosts(boolean mesh, int count) {
        ObjectNode body = EventJson.mapper().createObjectNode();
        if (mesh) {
            body.put("topology", "mesh").put("tunnelNetwork", "10.99.0.0/16");
        }
        ArrayNode hosts = body.putArray("hosts");
        for (int i = 0; i < count; i++) {
            ObjectNode host = hosts.addObject().put("name", "h" + i).put("endpoint", "10.%d.%d.%d:51820".formatted(i / 65536, i / 256 % 256, i % 256));
            if (!mesh) {
                host.put("tunnelSegment", "172.%d.%d.1/24".formatted(16 + i / 256, i % 256));
            }
        }
        return EventJson.mapper().writeValueAsBytes(body);
    }

    private static String pathEncode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            out.append(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' ? String.valueOf((char) b) : "%%%02X".formatted(b & 0xff));
        }
        return out.toString();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
