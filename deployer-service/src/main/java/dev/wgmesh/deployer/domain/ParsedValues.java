package dev.wgmesh.deployer.domain;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Values parsed before, by their exact text. A host prints the same keys, endpoints and routes on every
 * look, and the peers of one mesh are the same on all its hosts, so a deployer watching a 1,000-host mesh
 * parses each once instead of a million times a minute. Parsing is a pure function of the text, so a value
 * found here is the one parsing would give; text that does not parse is never kept. Bounded: when full, it
 * starts again empty.
 */
final class ParsedValues<T> {

    private final Function<String, T> parse;
    private final int limit;
    private final Map<String, T> values = new ConcurrentHashMap<>();

    ParsedValues(Function<String, T> parse, int limit) {
        this.parse = parse;
        this.limit = limit;
    }

    T parse(String text) {
        T value = values.get(text);
        if (value == null) {
            value = parse.apply(text);
            if (values.size() >= limit) {
                values.clear();
            }
            values.put(text, value);
        }
        return value;
    }
}
