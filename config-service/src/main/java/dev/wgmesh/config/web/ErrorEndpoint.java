package dev.wgmesh.config.web;

import dev.wgmesh.common.group.Problem;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors that never reached a controller (a filter failed, the container refused the request) as
 * problem documents too, in place of Boot's default error page.
 */
@Hidden // no part of the API's document: the container's error page
@RestController
class ErrorEndpoint implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // no error status: someone asked for the error path itself
        HttpStatus status = code == null ? HttpStatus.NOT_FOUND
                : code instanceof Integer number && HttpStatus.resolve(number) != null
                ? HttpStatus.resolve(number) : HttpStatus.INTERNAL_SERVER_ERROR;
        return ProblemHandler.problem(HttpStatusCode.valueOf(status.value()), status.getReasonPhrase(),
                List.of(new Problem("$", null, "the request failed: " + status.getReasonPhrase())));
    }
}
