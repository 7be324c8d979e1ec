import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.wireguard.SecretKey;
import dev.wgmesh.kafka.KafkaSetup;
import dev.wgmesh.kafka.TrustSetup;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The few things ./wgmesh needs that bash cannot do well with Java as the only dependency. Run as a
 * single-file program with wgmesh-service-kafka's runtime classpath (wgmesh-common and the Kafka client):
 *
 * <pre>
 *   deployer-key FILE             create FILE (mode 0600, base64 private key) unless it exists; print its public key
 *   signing-key FILE              the same for a service's Ed25519 signing key
 *   group FILE BODY_OUT           print the group's name (top-level "name", else the file name without .json)
 *                                 and write the PUT body (the file without "name") to BODY_OUT
 *   http METHOD URL BODY|- OUT    send a request (a JSON body from file BODY, or none); print the status
 *                                 code and write the response body to OUT (used when curl is missing)
 *   kafka credentials DIR         the locked broker's passwords (made once) and every file made from them
 *   kafka apply DIR BOOTSTRAP     as the broker's superuser: SCRAM users, topics, ACLs (see KafkaSetup)
 * </pre>
 */
public class WgmeshTool {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    public static void main(String[] args) throws Exception {
        String command = args.length > 0 ? args[0] : "";
        try {
            switch (command) {
                case "deployer-key" -> deployerKey(Path.of(args[1]));
                case "signing-key" -> signingKey(Path.of(args[1]));
                case "group" -> group(Path.of(args[1]), Path.of(args[2]));
                case "http" -> http(args[1], args[2], args[3], Path.of(args[4]));
                case "kafka" -> KafkaSetup.main(Arrays.copyOfRange(args, 1, args.length));
                default -> {
                    System.err.println("usage: WgmeshTool deployer-key FILE | signing-key FILE | group FILE BODY_OUT"
                            + " | http METHOD URL BODY|- OUT | kafka credentials DIR | kafka apply DIR BOOTSTRAP");
                    System.exit(2);
                }
            }
        } catch (Exception e) {
            // one line for the launcher's user, not a stack trace
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    private static void deployerKey(Path file) throws IOException {
        SecretKey privateKey;
        if (Files.exists(file)) {
            privateKey = SecretKey.parse(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } else {
            X25519Keys.KeyPair pair = X25519Keys.generate(new SecureRandom());
            privateKey = pair.privateKey();
            // created 0600 from the start, so the key is never readable by others, not even briefly
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, privateKey.base64() + "\n", StandardCharsets.US_ASCII);
        }
        System.out.println(X25519Keys.publicKeyOf(privateKey).base64());
    }

    private static void signingKey(Path file) throws IOException {
        System.out.println(TrustSetup.signingKey(file).base64());
    }

    private static void group(Path file, Path bodyOut) throws IOException {
        JsonNode body = JSON.readTree(file.toFile());
        if (!body.isObject()) {
            throw new IllegalArgumentException(file + " is not a JSON object");
        }
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        JsonNode named = body.get("name");
        if (named != null && named.isString()) {
            name = named.stringValue();
            ((ObjectNode) body).remove("name");
        }
        Files.writeString(bodyOut, JSON.writeValueAsString(body), StandardCharsets.UTF_8);
        System.out.println(name);
    }

    private static void http(String method, String url, String bodyFile, Path out) throws Exception {
        HttpRequest.BodyPublisher publisher = "-".equals(bodyFile)
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofFile(Path.of(bodyFile));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .method(method, publisher);
        // the API token comes from the environment, never from the command line (ps would show it)
        String token = System.getenv("WGMESH_API_TOKEN");
        if (token != null && !token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<Path> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofFile(out));
            System.out.println(response.statusCode());
        } catch (IOException e) {
            // like curl's 000: nothing answered yet
            Files.writeString(out, String.valueOf(e.getMessage()));
            System.out.println("000");
        }
    }
}
