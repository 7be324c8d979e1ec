package dev.wgmesh.common.group;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One thing wrong with a request: the field's JSON path ({@code hosts[2].endpoint}), the offending
 * value as JSON text (so a string shows quoted), and what is wrong.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String field, String value, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
