package dev.wgmesh.config.web;

import dev.wgmesh.common.group.Problem;
import dev.wgmesh.config.domain.PublishFailedException;
import dev.wgmesh.config.domain.RequestRejected;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error as application/problem+json with status, title, detail and {@code errors}: a list of
 * {field, value, message}. Spring's own errors (unknown path, wrong method, ...) get the same shape.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(RequestRejected.class)
    ResponseEntity<ProblemDetail> rejected(RequestRejected rejected) {
        return problem(HttpStatusCode.valueOf(rejected.status()), rejected.title(), rejected.problems());
    }

    @ExceptionHandler(ChangeRate.TooManyChanges.class)
    ResponseEntity<ProblemDetail> tooManyChanges(ChangeRate.TooManyChanges e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(detail(HttpStatus.TOO_MANY_REQUESTS, "Too many changes", List.of(e.problem())));
    }

    @ExceptionHandler(PublishFailedException.class)
    ResponseEntity<ProblemDetail> publishFailed(PublishFailedException e) {
        log.warn("a change was not accepted: {}", e.getMessage());
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "Kafka unavailable", List.of(new Problem("$", null,
                "the change could not be published to Kafka and was not accepted; retry later")));
    }

    /** The last resort: never a stack trace or an internal message in the answer. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        log.error("unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                List.of(new Problem("$", null, "an unexpected error; the service log has the details")));
    }

    /** Spring MVC's own errors: keep its status and detail, add the errors list. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
                                                             HttpStatusCode status, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(e, body, headers, status, request);
        if (response == null) {
            return null; // the response is already committed
        }
        ProblemDetail detail = response.getBody() instanceof ProblemDetail given ? given : ProblemDetail.forStatus(status);
        if (detail.getProperties() == null || !detail.getProperties().containsKey("errors")) {
            detail.setProperty("errors", List.of(new Problem(field(e), null,
                    detail.getDetail() != null ? detail.getDetail() : detail.getTitle())));
        }
        HttpHeaders out = new HttpHeaders();
        out.addAll(response.getHeaders());
        out.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return new ResponseEntity<>(detail, out, response.getStatusCode());
    }

    private static String field(Exception e) {
        if (e instanceof HttpMediaTypeNotSupportedException) {
            return HttpHeaders.CONTENT_TYPE;
        }
        if (e instanceof HttpMediaTypeNotAcceptableException) {
            return HttpHeaders.ACCEPT;
        }
        if (e instanceof HttpRequestMethodNotSupportedException) {
            return "method";
        }
        if (e instanceof NoResourceFoundException) {
            return "path";
        }
        return "$";
    }

    static ResponseEntity<ProblemDetail> problem(HttpStatusCode status, String title, List<Problem> problems) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(detail(status, title, problems));
    }

    private static ProblemDetail detail(HttpStatusCode status, String title, List<Problem> problems) {
        ProblemDetail detail = ProblemDetail.forStatus(status);
        detail.setTitle(title);
        detail.setDetail(problems.size() == 1 ? problems.get(0).message()
                : problems.size() + " problems, all listed in errors; the first: " + problems.get(0));
        detail.setProperty("errors", problems);
        return detail;
    }
}
