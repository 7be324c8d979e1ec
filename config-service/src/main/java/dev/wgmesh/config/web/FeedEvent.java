package dev.wgmesh.config.web;

/**
 * One topic record ready for the live feed: its JSON, its id ({@code topic-partition-offset}) and the
 * group and host it is about (from the record key {@code group} or {@code group/host}), for filtering.
 */
record FeedEvent(String id, String group, String host, String json) {

    /** An event about what the record key {@code group} or {@code group/host} names. */
    static FeedEvent of(String id, String key, String json) {
        int slash = key == null ? -1 : key.indexOf('/');
        return slash > 0 ? new FeedEvent(id, key.substring(0, slash), key.substring(slash + 1), json)
                : new FeedEvent(id, key, null, json);
    }

    /** The record's topic and partition, as {@code id} starts. */
    String partition() {
        return id.substring(0, id.lastIndexOf('-'));
    }

    /** The record's offset in its partition, as {@code id} ends. */
    long offset() {
        return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
    }

    boolean matches(String wantedGroup, String wantedHost) {
        return (wantedGroup == null || wantedGroup.equals(group)) && (wantedHost == null || wantedHost.equals(host));
    }
}
