package dev.wgmesh.common.group;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * How a change of a group that already runs reaches its hosts: all at once (the default), or in waves: the
 * {@code canary} hosts first, then {@code waveSize} hosts (a count, or a percentage of the group) at a time.
 * A wave passes its gate when each of its hosts applied the change and its tunnels carry traffic again within
 * {@code gateSeconds}; when one does not, the rollout stops ({@code pause}) or returns every changed host to
 * the previous revision ({@code rollback}).
 *
 * @param waveSize a count of hosts, or with {@code percent} a percentage of the group's hosts
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rollout(Strategy strategy, int canary, WaveSize waveSize, int gateSeconds, OnFailure onFailure) {

    public static final Rollout ALL_AT_ONCE = new Rollout(Strategy.ALL_AT_ONCE, 0, null, 0, null);
    static final int MIN_GATE_SECONDS = 5;
    static final int MAX_GATE_SECONDS = 3600;
    private static final Set<String> FIELDS = Set.of("strategy", "canary", "waveSize", "gateSeconds", "onFailure");
    private static final String EXAMPLE = "{\"strategy\": \"waves\", \"canary\": 1, \"waveSize\": \"25%\", "
            + "\"gateSeconds\": 60, \"onFailure\": \"rollback\"}";

    public enum Strategy {
        ALL_AT_ONCE("all-at-once"), WAVES("waves");

        private final String json;

        Strategy(String json) {
            this.json = json;
        }

        @JsonValue
        public String json() {
            return json;
        }

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static Strategy parse(String text) {
            for (Strategy strategy : values()) {
                if (strategy.json.equals(text)) {
                    return strategy;
                }
            }
            throw new InvalidValueException(InvalidValueException.quote(text) + " is not \"all-at-once\" or \"waves\"");
        }
    }

    public enum OnFailure {
        PAUSE("pause"), ROLLBACK("rollback");

        private final String json;

        OnFailure(String json) {
            this.json = json;
        }

        @JsonValue
        public String json() {
            return json;
        }

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static OnFailure parse(String text) {
            for (OnFailure onFailure : values()) {
                if (onFailure.json.equals(text)) {
                    return onFailure;
                }
            }
            throw new InvalidValueException(InvalidValueException.quote(text) + " is not \"pause\" or \"rollback\"");
        }
    }

    /** A wave's size: {@code value} hosts, or {@code value} percent of the group's hosts. */
    public record WaveSize(int value, boolean percent) {

        public WaveSize {
            if (value < 1 || percent && value > 100) {
                throw new InvalidValueException("waveSize " + this + " must be 1 or more hosts, or 1% to 100%");
            }
        }

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static WaveSize parse(String text) {
            boolean percent = text.endsWith("%");
            String digits = percent ? text.substring(0, text.length() - 1) : text;
            if (!digits.matches("\\d{1,6}")) {
                throw new InvalidValueException("waveSize " + InvalidValueException.quote(text)
                        + " must be a number of hosts such as \"2\" or a percentage such as \"25%\"");
            }
            return new WaveSize(Integer.parseInt(digits), percent);
        }

        /** The hosts of one wave in a group of {@code hosts}: at least one. */
        int of(int hosts) {
            return percent ? Math.max(1, (int) Math.ceil(hosts * value / 100.0)) : value;
        }

        @JsonValue
        @Override
        public String toString() {
            return value + (percent ? "%" : "");
        }
    }

    public Rollout {
        if (strategy == Strategy.WAVES) {
            if (canary < 0 || waveSize == null || onFailure == null || gateSeconds < MIN_GATE_SECONDS
                    || gateSeconds > MAX_GATE_SECONDS) {
                throw new InvalidValueException("a waves rollout needs canary 0 or more, a waveSize, gateSeconds from "
                        + MIN_GATE_SECONDS + " to " + MAX_GATE_SECONDS + " and onFailure");
            }
        }
    }

    public boolean waves() {
        return strategy == Strategy.WAVES;
    }

    /**
     * The waves of a rollout over {@code hosts}, in the order given: the canary hosts (when {@code canary} is
     * more than 0), then {@link #waveSize} hosts at a time.
     */
    public List<List<HostName>> waves(List<HostName> hosts) {
        List<List<HostName>> waves = new ArrayList<>();
        int next = Math.min(canary, hosts.size());
        if (next > 0) {
            waves.add(List.copyOf(hosts.subList(0, next)));
        }
        int size = waveSize.of(hosts.size());
        while (next < hosts.size()) {
            int end = Math.min(hosts.size(), next + size);
            waves.add(List.copyOf(hosts.subList(next, end)));
            next = end;
        }
        return waves;
    }

    /**
     * The {@code rollout} object of a group's body; {@link #ALL_AT_ONCE} when absent. Every problem is added
     * to {@code problems}, naming the field and quoting the value.
     */
    static Rollout parse(JsonNode node, List<Problem> problems) {
        if (node == null || node.isNull()) {
            return ALL_AT_ONCE;
        }
        if (!node.isObject()) {
            problems.add(new Problem("rollout", node.toString(), "must be an object such as " + EXAMPLE));
            return ALL_AT_ONCE;
        }
        int before = problems.size();
        for (String field : node.propertyNames()) {
            if (!FIELDS.contains(field)) {
                problems.add(new Problem("rollout." + field, null, "unknown field " + InvalidValueException.quote(field)
                        + "; known fields are " + FIELDS));
            }
        }
        Strategy strategy = Strategy.ALL_AT_ONCE;
        JsonNode strategyNode = node.get("strategy");
        if (strategyNode != null && !strategyNode.isNull()) {
            try {
                strategy = Strategy.parse(strategyNode.isString() ? strategyNode.stringValue() : null);
            } catch (InvalidValueException e) {
                problems.add(new Problem("rollout.strategy", strategyNode.toString(), "must be \"all-at-once\" or \"waves\""));
            }
        }
        int canary = number(node.get("canary"), "rollout.canary", 1, 0, 10_000, problems);
        int gateSeconds = number(node.get("gateSeconds"), "rollout.gateSeconds", 60, MIN_GATE_SECONDS, MAX_GATE_SECONDS,
                problems);
        WaveSize waveSize = new WaveSize(25, true);
        JsonNode sizeNode = node.get("waveSize");
        if (sizeNode != null && !sizeNode.isNull()) {
            try {
                waveSize = sizeNode.isIntegralNumber() && sizeNode.canConvertToInt()
                        ? new WaveSize(sizeNode.intValue(), false)
                        : WaveSize.parse(sizeNode.isString() ? sizeNode.stringValue() : sizeNode.toString());
            } catch (InvalidValueException e) {
                problems.add(new Problem("rollout.waveSize", sizeNode.toString(),
                        "must be a number of hosts (1 or more) such as 2, or a percentage of the group's hosts such as \"25%\""));
            }
        }
        OnFailure onFailure = OnFailure.ROLLBACK;
        JsonNode failureNode = node.get("onFailure");
        if (failureNode != null && !failureNode.isNull()) {
            try {
                onFailure = OnFailure.parse(failureNode.isString() ? failureNode.stringValue() : null);
            } catch (InvalidValueException e) {
                problems.add(new Problem("rollout.onFailure", failureNode.toString(), "must be \"pause\" or \"rollback\""));
            }
        }
        if (problems.size() > before) {
            return ALL_AT_ONCE;
        }
        return strategy == Strategy.WAVES ? new Rollout(strategy, canary, waveSize, gateSeconds, onFailure) : ALL_AT_ONCE;
    }

    private static int number(JsonNode node, String field, int absent, int min, int max, List<Problem> problems) {
        if (node == null || node.isNull()) {
            return absent;
        }
        if (node.isIntegralNumber() && node.canConvertToInt() && node.intValue() >= min && node.intValue() <= max) {
            return node.intValue();
        }
        problems.add(new Problem(field, node.toString(), "must be a whole number from " + min + " to " + max));
        return absent;
    }
}
