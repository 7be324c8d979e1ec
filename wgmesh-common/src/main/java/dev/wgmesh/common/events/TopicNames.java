package dev.wgmesh.common.events;

import dev.wgmesh.common.wireguard.InvalidValueException;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The names one installation uses on its Kafka cluster: each logical name of {@link Topics}, and of a consumer
 * group or transactional id ({@code wgmesh-keygen}, ...), behind the installation's prefix, so that several
 * installations share one cluster without reading each other's records, sharing offsets or fencing each other's
 * producers. The prefix is {@code wgmesh.kafka.topic-prefix} (env {@code WGMESH_TOPIC_PREFIX}), empty by default:
 * then every name is the logical one.
 */
public record TopicNames(String prefix) {

    /** The setting's environment variable, which the launcher and KafkaSetup read (a service: the property). */
    public static final String VARIABLE = "WGMESH_TOPIC_PREFIX";
    private static final String SETTING = "wgmesh.kafka.topic-prefix";

    /** The longest topic name Kafka allows. */
    static final int MAX_TOPIC_LENGTH = 249;

    /** The characters Kafka allows in a topic name. */
    private static final Pattern TOPIC_CHARACTERS = Pattern.compile("[a-zA-Z0-9._-]*");
    private static final String LONGEST = Topics.ALL.stream().map(Topics.TopicSpec::name)
            .max(Comparator.comparingInt(String::length)).orElseThrow();

    /** @throws IllegalArgumentException naming the setting and quoting the value, for a prefix Kafka would refuse */
    public TopicNames {
        if (prefix == null || !TOPIC_CHARACTERS.matcher(prefix).matches()) {
            throw new IllegalArgumentException(quoted(prefix)
                    + ": a Kafka topic name may hold only a-z, A-Z, 0-9, '.', '_' and '-'");
        }
        if (prefix.length() + LONGEST.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException(quoted(prefix) + ", " + prefix.length() + " characters: with it "
                    + LONGEST + " would be longer than the " + MAX_TOPIC_LENGTH + " characters Kafka allows; at most "
                    + (MAX_TOPIC_LENGTH - LONGEST.length()));
        }
    }

    /** The start of every complaint about a prefix: the setting, its variable and the value. */
    private static String quoted(String prefix) {
        return SETTING + " (env " + VARIABLE + ") is " + InvalidValueException.quote(prefix);
    }

    /** This installation's name for a logical topic, consumer group or transactional id. */
    public String of(String name) {
        return prefix + name;
    }

    /** The logical name of one of this installation's topics; empty for a topic without its prefix. */
    public Optional<String> logical(String topic) {
        return topic.startsWith(prefix) ? Optional.of(topic.substring(prefix.length())) : Optional.empty();
    }
}
