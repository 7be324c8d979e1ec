package dev.wgmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/**
 * Keeps README's "Configuration reference" true: it names every setting the services bind, set in their
 * properties files or read with {@code @Value}, each with its environment variable, and every WGMESH_
 * environment variable of the code, the scripts and the compose files.
 */
class ConfigurationReferenceTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern ENVIRONMENT_VARIABLE = Pattern.compile("WGMESH_[A-Z0-9_]*");
    /** A {@code @Value("${wgmesh....}")}: a setting read outside the {@code @ConfigurationProperties} records. */
    private static final Pattern VALUE_PLACEHOLDER = Pattern.compile("\\$\\{(wgmesh\\.[a-z0-9.-]+)");
    private static final String EXPECTATION = "README.md, \"Configuration reference\", does not name these";

    @Test
    void theReferenceNamesEveryComponentOfEveryConfigurationPropertiesRecord() throws Exception {
        Map<String, String> settings = new TreeMap<>();
        List<String> records = new ArrayList<>();
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        for (BeanDefinition candidate : scanner.findCandidateComponents("dev.wgmesh")) {
            Class<?> type = Class.forName(candidate.getBeanClassName());
            ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
            addComponents(type, annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix(), settings);
            records.add(type.getSimpleName());
        }
        // a scan that finds nothing would pass the check below
        assertThat(records).contains("ConfigSettings", "KeygenSettings", "DeployerSettings", "TrustSettings");

        assertThat(missing(withEnvironmentVariables(settings))).as(EXPECTATION).isEmpty();
    }

    @Test
    void theReferenceNamesEveryWgmeshKeyOfThePropertiesFilesAndEveryValuePlaceholder() throws IOException {
        Map<String, String> settings = new TreeMap<>();
        for (Path file : moduleFiles("resources")) {
            if (file.toString().endsWith(".properties")) {
                Properties properties = new Properties();
                properties.load(new StringReader(text(file)));
                properties.stringPropertyNames().stream().filter(key -> key.startsWith("wgmesh."))
                        .forEach(key -> settings.put(key, file.getFileName().toString()));
            }
        }
        for (Path file : moduleFiles("java")) {
            Matcher placeholder = VALUE_PLACEHOLDER.matcher(text(file));
            while (placeholder.find()) {
                settings.put(placeholder.group(1), file.getFileName().toString());
            }
        }
        assertThat(settings).containsKeys("wgmesh.observe-interval", "wgmesh.kafka.replication-factor");

        assertThat(missing(withEnvironmentVariables(settings))).as(EXPECTATION).isEmpty();
    }

    @Test
    void theReferenceNamesEveryWgmeshEnvironmentVariableOfTheCodeScriptsAndComposeFiles() throws IOException {
        List<Path> files = new ArrayList<>(topFiles("{wgmesh,.env.example,docker-compose*.yml}"));
        files.addAll(filesIn(ROOT.resolve("host")));
        // resources too: the properties files read WGMESH_ variables as ${...} placeholders
        files.addAll(moduleFiles(""));
        Map<String, String> variables = new TreeMap<>();
        for (Path file : files) {
            Matcher variable = ENVIRONMENT_VARIABLE.matcher(text(file));
            while (variable.find()) {
                // a name ending in _ is a prefix the code completes, such as "WGMESH_TRUST_" + role + "_KEYS"
                if (!variable.group().endsWith("_")) {
                    variables.put(variable.group(), ROOT.relativize(file).toString());
                }
            }
        }
        assertThat(variables).containsKeys("WGMESH_CONFIG_DIR", "WGMESH_SSH_DESTINATION", "WGMESH_INSTANCE_ID");

        assertThat(missing(variables)).as(EXPECTATION).isEmpty();
    }

    /** A nested record is a group of settings: ConfigSettings' api.insecureNoAuth is wgmesh.api.insecure-no-auth. */
    private static void addComponents(Class<?> record, String prefix, Map<String, String> settings) {
        for (RecordComponent component : record.getRecordComponents()) {
            String name = prefix + "." + DataObjectPropertyName.toDashedForm(component.getName());
            if (component.getType().isRecord()) {
                addComponents(component.getType(), name, settings);
            } else {
                settings.put(name, record.getCanonicalName());
            }
        }
    }

    /** Each property and its environment variable by Spring's relaxed binding (WGMESH_OBSERVE_INTERVAL). */
    private static Map<String, String> withEnvironmentVariables(Map<String, String> properties) {
        Map<String, String> names = new TreeMap<>(properties);
        properties.forEach((property, source) ->
                names.put(property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), source));
        return names;
    }

    /** Each name the reference lacks, with where it came from; a name counts as `code`, so not inside a longer one. */
    private static List<String> missing(Map<String, String> names) throws IOException {
        String readme = text(ROOT.resolve("README.md"));
        int start = readme.indexOf("\n## Configuration reference\n");
        assertThat(start).as("README.md has a section \"## Configuration reference\"").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        String reference = end < 0 ? readme.substring(start) : readme.substring(start, end);
        return names.entrySet().stream().filter(name -> !reference.contains("`" + name.getKey() + "`"))
                .map(name -> name.getKey() + " (from " + name.getValue() + ")").toList();
    }

    private static List<Path> topFiles(String glob) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(ROOT, glob)) {
            entries.forEach(files::add);
        }
        return files;
    }

    /** Every file below {@code <module>/src/main/<folder>}, for every module. */
    private static List<Path> moduleFiles(String folder) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path module : topFiles("*")) {
            files.addAll(filesIn(module.resolve("src").resolve("main").resolve(folder)));
        }
        return files;
    }

    private static List<Path> filesIn(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.filter(Files::isRegularFile).toList();
        }
    }

    /** Read as bytes, so a binary file never fails the read; every name looked for is ASCII. */
    private static String text(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    }
}
