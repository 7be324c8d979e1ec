package dev.wgmesh.config.web;

import dev.wgmesh.common.group.Problem;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's own answers (a request it refuses before the application sees it, such as an encoded slash
 * or a path that leaves the root) as problem documents instead of its HTML page. Public: Tomcat makes
 * it by class name.
 */
public class ProblemErrorValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String reason = status >= 500 ? "the server failed; the service log has the details"
                : "the request was refused before it reached wgmesh (status " + status + "): check the path and headers";
        try {
            // Tomcat answers these before any filter runs
            SecurityHeaders.set(response);
            response.setContentType(RawProblem.CONTENT_TYPE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(new String(RawProblem.json(status, new Problem("$", null, reason)), StandardCharsets.UTF_8));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response is committed: nothing more to say
        }
    }
}
