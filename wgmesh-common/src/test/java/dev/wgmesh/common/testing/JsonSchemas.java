package dev.wgmesh.common.testing;

import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.resource.InputStreamSource;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The JSON Schemas of the repository's {@code docs/schemas} (record types, the group file), loaded from
 * their files so their relative {@code $ref}s resolve as an editor's would.
 */
public final class JsonSchemas {

    /** Reads the folder's files only: nothing is fetched from anywhere else. */
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            registry -> registry.resourceLoaders(loaders -> loaders.add(JsonSchemas::local)));

    private JsonSchemas() {
    }

    /** The folder, from any module of the reactor (tests run in their module's folder). */
    public static Path folder() {
        Path docs = Path.of("..", "docs", "schemas").toAbsolutePath().normalize();
        if (!Files.isDirectory(docs)) {
            throw new IllegalStateException("no docs/schemas beside this module: " + docs);
        }
        return docs;
    }

    public static Schema schema(String file) {
        Path path = folder().resolve(file);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("no schema " + path);
        }
        return REGISTRY.getSchema(SchemaLocation.of(path.toUri().toString()));
    }

    private static InputStreamSource local(AbsoluteIri iri) {
        String folder = folder().toUri().toString();
        String uri = iri.toString();
        return uri.startsWith(folder) ? () -> Files.newInputStream(Path.of(URI.create(uri))) : null;
    }

    /** Every way the JSON breaks the schema, as readable lines; empty when it conforms. */
    public static List<String> problems(String file, JsonNode json) {
        return schema(file).validate(json).stream().map(Error::toString).toList();
    }
}
