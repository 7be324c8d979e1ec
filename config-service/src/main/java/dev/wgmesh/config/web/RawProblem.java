package dev.wgmesh.config.web;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.group.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** A problem document written outside Spring MVC (a servlet filter, Tomcat), in the same shape as {@link ProblemHandler}'s. */
final class RawProblem {

    static final String CONTENT_TYPE = "application/problem+json";

    private RawProblem() {
    }

    static byte[] json(int status, Problem problem) {
        HttpStatus known = HttpStatus.resolve(status);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", known == null ? "Error" : known.getReasonPhrase());
        body.put("status", status);
        body.put("detail", problem.message());
        body.put("errors", List.of(problem));
        return EventJson.mapper().writeValueAsBytes(body);
    }
}
