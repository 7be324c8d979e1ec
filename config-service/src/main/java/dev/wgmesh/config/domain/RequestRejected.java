package dev.wgmesh.config.domain;

import dev.wgmesh.common.group.Problem;
import java.util.List;
import java.util.stream.Collectors;

/** A request turned down with every problem found; the API answers with a problem document, the commands topic with a rejection record. */
public final class RequestRejected extends RuntimeException {

    private final int status;
    private final String title;
    private final long revision;
    private final List<Problem> problems;

    public RequestRejected(int status, String title, long revision, List<Problem> problems) {
        super(title + ": " + problems.stream().map(Problem::toString).collect(Collectors.joining("; ")), null, false, false);
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a rejection lists at least one problem");
        }
        this.status = status;
        this.title = title;
        this.revision = revision;
        this.problems = List.copyOf(problems);
    }

    public static RequestRejected badRequest(long revision, List<Problem> problems) {
        return new RequestRejected(400, "Invalid request", revision, problems);
    }

    public static RequestRejected notFound(long revision, Problem problem) {
        return new RequestRejected(404, "Not found", revision, List.of(problem));
    }

    public static RequestRejected preconditionFailed(long revision, Problem problem) {
        return new RequestRejected(412, "Precondition failed", revision, List.of(problem));
    }

    /** A valid change that the service's current state does not leave room for; it may pass once groups or hosts go. */
    public static RequestRejected quotaExceeded(long revision, Problem problem) {
        return new RequestRejected(409, "Quota exceeded", revision, List.of(problem));
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The group's revision when the request came, 0 when it did not exist. */
    public long revision() {
        return revision;
    }

    public List<Problem> problems() {
        return problems;
    }
}
