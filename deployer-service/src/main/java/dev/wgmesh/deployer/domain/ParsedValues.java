package dev.wgmesh.deployer.domain;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Values parsed before, by their exact text. A host prints the same keys, endpoints and routes on every
 * look, and the peers of one mesh are the same on all its hosts, so a deployer watching a 1,000-host mesh
 * parses each once instead of a million times a minute. Parsing is a pure function of the text, so a value
 * found here is the one parsing would give; text that does not parse is never kept. Bounded, since a host
 * may print anything: only short texts are kept, and when full it starts again empty.
 */
final class ParsedValues<T> {

    /** Longer than a key, an endpoint or a few routes: parsed every time, or a hostile host could fill memory. */
    static final int LONGEST_KEPT = 256;

    private final Function<String, T> parse;
    private final int limit;
    private final Map<String, T> values = new ConcurrentHashMap<>();

    ParsedValues(Function<String, T> parse, int limit) {
        this.parse = parse;
        this.limit = limit;
    }

    T parse(String text) {
        if (text.length() > LONGEST_KEPT) {
            return parse.apply(text);
        }
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
