package dev.wgmesh.config.domain;

/**
 * The revision a client expects the group to be at (If-Match, or expectedRevision on the commands topic).
 *
 * @param field    how the client named it, for the problem report
 * @param sent     what the client sent, as JSON text
 * @param revision the expected revision, or null for "any existing revision" (If-Match: *)
 */
public record Precondition(String field, String sent, Long revision) {
}
