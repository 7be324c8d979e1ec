package dev.wgmesh.config.web;

/**
 * One topic record ready for the live feed: its JSON, its id ({@code topic-partition-offset}) and the
 * group and host it is about (from the record key {@code group} or {@code group/host}), for filtering.
 */
record FeedEvent(String id, String group, String host, String json) {

    boolean matches(String wantedGroup, String wantedHost) {
        return (wantedGroup == null || wantedGroup.equals(group)) && (wantedHost == null || wantedHost.equals(host));
    }
}
