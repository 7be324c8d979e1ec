package dev.wgmesh.config.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3.1 document at {@code /v3/api-docs}. springdoc reads the paths, parameters and bodies from
 * the controllers; what it cannot see is added here: the answers a controller gives through
 * {@code ResponseEntity} or an exception (201, 202, 204 and the problem documents), which calls need the
 * API token (the rule of {@link ApiTokenFilter}), and the group file a PUT takes ({@code /schemas/group.json},
 * the same file as the repository's {@code docs/schemas/group.json}). ApiDocsTest checks it against the
 * running API.
 */
@Configuration
class ApiDocs {

    static final String GROUP_SCHEMA = "/schemas/group.json";
    private static final String TOKEN = "apiToken";
    private static final String PROBLEM = "Problem";
    private static final String EVENT_STREAM = "text/event-stream";

    /** Answers of one operation beside springdoc's 200, which {@code ok=false} drops. */
    private record Answers(boolean ok, Map<String, String> codes) {
    }

    private static final String CHANGE_REFUSED = "the group's changes per minute are used up (Retry-After)";
    private static final String NOT_PUBLISHED = "Kafka did not take the change in time; nothing was changed";
    private static final String STALE = "If-Match names another revision than the group's, or the group does not exist";
    private static final String ROLLING = "a rollout in waves of the group runs or is paused: wait, resume it or roll it back";

    /** Keyed by method and path as in the document; every other operation answers 200 (and 400, 404 with a name). */
    private static final Map<String, Answers> ANSWERS = Map.ofEntries(Map.entry(
            "PUT /api/v1/groups/{group}", new Answers(true, Map.of(
                    "201", "the group was created; Location and ETag name it",
                    "409", "a quota (groups, hosts in all) or the blast-radius interlock (add ?force=true) refused it,"
                            + " or " + ROLLING,
                    "412", STALE, "413", "the body is larger than wgmesh.config.max-body-bytes",
                    "415", "the body is neither JSON nor YAML", "429", CHANGE_REFUSED, "503", NOT_PUBLISHED))),
            Map.entry("POST /api/v1/groups/{group}/plan", new Answers(true, Map.of(
                    "409", "a quota (groups, hosts in all) would refuse the PUT", "412", STALE,
                    "413", "the body is larger than wgmesh.config.max-body-bytes", "415", "the body is neither JSON nor YAML"))),
            Map.entry("DELETE /api/v1/groups/{group}", new Answers(false, Map.of(
                    "204", "the group is deleted; the deployers remove its files",
                    "412", STALE, "429", CHANGE_REFUSED, "503", NOT_PUBLISHED))),
            Map.entry("POST /api/v1/groups/{group}/rotate-keys", new Answers(false, Map.of(
                    "202", "every host of the group gets new keys at the revision the body names",
                    "409", ROLLING, "412", STALE, "429", CHANGE_REFUSED, "503", NOT_PUBLISHED))),
            Map.entry("POST /api/v1/groups/{group}/hosts/{host}/rotate-keys", new Answers(false, Map.of(
                    "202", "the host gets new keys at the revision the body names",
                    "409", ROLLING, "412", STALE, "429", CHANGE_REFUSED, "503", NOT_PUBLISHED))),
            Map.entry("POST /api/v1/groups/{group}/rotate-preshared-keys", new Answers(false, Map.of(
                    "202", "every pair of the group gets a new preshared key at the revision the body names",
                    "409", "the group uses no preshared keys, or " + ROLLING,
                    "412", STALE, "429", CHANGE_REFUSED, "503", NOT_PUBLISHED))),
            Map.entry("POST /api/v1/groups/{group}/hosts/{host}/revoke", new Answers(false, Map.of(
                    "202", "the host leaves the group at the revision the body names and stays out until declared again",
                    "409", "the host is the group's only one (delete the group instead), or " + ROLLING,
                    "412", STALE, "429", CHANGE_REFUSED, "503", NOT_PUBLISHED))),
            Map.entry("POST /api/v1/groups/{group}/hosts/{host}/reapply", new Answers(false, Map.of(
                    "202", "the deployer that owns the host applies it again; no revision changes",
                    "429", CHANGE_REFUSED, "503", NOT_PUBLISHED))),
            Map.entry("POST /api/v1/groups/{group}/rollout/resume", new Answers(false, Map.of(
                    "202", "the paused rollout goes on with its next wave (the body is its state)",
                    "409", "no rollout in waves of the group is paused", "429", CHANGE_REFUSED, "503", NOT_PUBLISHED))),
            Map.entry("POST /api/v1/groups/{group}/rollout/rollback", new Answers(false, Map.of(
                    "202", "every host returns to the configs and keys before the rollout, at the revision the body names",
                    "409", "no rollout in waves of the group runs or is paused", "429", CHANGE_REFUSED,
                    "503", NOT_PUBLISHED))),
            Map.entry("GET /api/v1/events", new Answers(true, Map.of(
                    "400", "since is not an ISO-8601 duration of at most a day",
                    "503", "too many live feed clients"))));

    /** Operations that create: an unknown group is no 404 there. */
    private static final Set<String> CREATING = Set.of("PUT /api/v1/groups/{group}", "POST /api/v1/groups/{group}/plan");
    private static final Set<String> BODY = CREATING;

    @Bean
    OpenAPI wgmeshOpenApi() {
        return new OpenAPI()
                .info(new Info().title("wgmesh config-service").version("v1").description(
                        "Host groups, their rollout and the live feed of the wgmesh topics. Changes and the live feed"
                                + " need the API token; reads stay open. Every error is application/problem+json."));
    }

    /** A customizer, not the bean above: springdoc drops components nothing refers to before customizers run. */
    @Bean
    OpenApiCustomizer wgmeshAnswers() {
        return openApi -> {
            Components components = openApi.getComponents() == null ? new Components() : openApi.getComponents();
            openApi.components(components
                    .addSecuritySchemes(TOKEN, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                            .description("the token of wgmesh.api-token or wgmesh.api-token-file"))
                    .addSchemas("ProblemEntry", problemEntry())
                    .addSchemas(PROBLEM, problemSchema()));
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
                    describe(method.name() + " " + path, path, operation)));
            // springdoc describes the live feed's Java type; what goes over the wire is a stream of events
            if (components.getSchemas() != null) {
                components.getSchemas().remove("SseEmitter");
            }
        };
    }

    private static Schema<Object> problemEntry() {
        return typed("object", "one thing wrong with the request")
                .addProperty("field", typed("string",
                        "the field's JSON path, such as hosts[2].endpoint, or a header's name; $ for the whole body"))
                .addProperty("value", typed("string",
                        "the offending value as JSON text (a string shows quoted); absent when none was given"))
                .addProperty("message", typed("string", "what is wrong"))
                .required(List.of("field", "message"));
    }

    private static Schema<Object> problemSchema() {
        return typed("object", "RFC 9457 problem details, with every problem of the request in errors")
                .addProperty("type", typed("string", "about:blank"))
                .addProperty("title", typed("string", "the kind of problem"))
                .addProperty("status", typed("integer", "the HTTP status"))
                .addProperty("detail", typed("string", "the one problem, or how many there are and the first"))
                .addProperty("instance", typed("string", "the path called"))
                .addProperty("errors", typed("array", "every problem of the request")
                        .items(new Schema<>().$ref("#/components/schemas/ProblemEntry")))
                .required(List.of("status", "title", "errors"));
    }

    /** OpenAPI 3.1 schemas name their types as a set; the 3.0 {@code type(...)} is not written in 3.1. */
    private static Schema<Object> typed(String type, String description) {
        return new Schema<>().types(Set.of(type)).description(description);
    }

    private static void describe(String key, String path, Operation operation) {
        Answers answers = ANSWERS.getOrDefault(key, new Answers(true, Map.of()));
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        operation.setResponses(responses);
        // springdoc's 200 and its body; dropped where the call answers with another status (or no body)
        ApiResponse ok = answers.ok() ? responses.get("200") : responses.remove("200");
        Content body = ok == null ? null : ok.getContent();
        answers.codes().forEach((code, why) -> responses.addApiResponse(code, !code.startsWith("2") ? problem(why)
                : new ApiResponse().description(why).content(code.equals("204") ? null : body)));
        if (responses.get("201") != null) {
            responses.get("201").addHeaderObject("Location", new Header().schema(typed("string", "the group's path")));
        }
        if (path.contains("{")) {
            responses.addApiResponse("400", problem("a name in the path, a header or the body is not valid; errors lists every problem"));
            if (!CREATING.contains(key)) {
                responses.addApiResponse("404", problem("there is no such group, or no such host in it"));
            }
        }
        if (ApiTokenFilter.needsToken(method(key), path)) {
            operation.addSecurityItem(new SecurityRequirement().addList(TOKEN));
            responses.addApiResponse("401", problem("no API token, or not the API token (WWW-Authenticate: Bearer)"));
        }
        MediaType stream = ok == null || ok.getContent() == null ? null : ok.getContent().get(EVENT_STREAM);
        if (stream != null) {
            stream.schema(typed("string", "server-sent events: one JSON object per record (topic, partition, offset,"
                    + " key, timestamp, headers, value), and comment lines as heartbeats"));
        }
        if (BODY.contains(key)) {
            operation.requestBody(new RequestBody().required(true).description("the group file: settings and hosts")
                    .content(new Content()
                            .addMediaType("application/json", new MediaType().schema(new Schema<>().$ref(GROUP_SCHEMA)))
                            .addMediaType("application/yaml", new MediaType().schema(new Schema<>().$ref(GROUP_SCHEMA)))));
        }
    }

    private static String method(String key) {
        return key.substring(0, key.indexOf(' '));
    }

    private static ApiResponse problem(String why) {
        return new ApiResponse().description(why).content(new Content().addMediaType("application/problem+json",
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    }
}
