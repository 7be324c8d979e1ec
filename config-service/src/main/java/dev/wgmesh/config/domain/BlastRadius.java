package dev.wgmesh.config.domain;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.wgmesh.common.group.Problem;
import java.util.ArrayList;
import java.util.List;

/**
 * How much of a group a change takes away. A change that removes more than {@link #LIMIT_PERCENT}% of the
 * group's hosts or of its links is held back unless forced: one wrong file should not cut a fleet off.
 */
public record BlastRadius(int hostsBefore, int hostsRemoved, long linksBefore, long linksRemoved) {

    static final int LIMIT_PERCENT = 30;

    /** Whether the change needs {@code force} to be applied. */
    @JsonProperty("exceeded")
    public boolean exceeded() {
        return over(hostsRemoved, hostsBefore) || over(linksRemoved, linksBefore);
    }

    /** Why the change is held back: one problem per count over the limit, each saying how to force it. */
    List<Problem> problems() {
        List<Problem> problems = new ArrayList<>();
        if (over(hostsRemoved, hostsBefore)) {
            problems.add(new Problem("hosts", null, "the change removes " + hostsRemoved + " of the group's "
                    + hostsBefore + " hosts (" + percent(hostsRemoved, hostsBefore) + "%), more than " + LIMIT_PERCENT
                    + "%; check it with POST .../plan, then send it again with ?force=true to apply it"));
        }
        if (over(linksRemoved, linksBefore)) {
            problems.add(new Problem("hosts", null, "the change removes " + linksRemoved + " of the group's "
                    + linksBefore + " tunnels (" + percent(linksRemoved, linksBefore) + "%), more than " + LIMIT_PERCENT
                    + "%; check it with POST .../plan, then send it again with ?force=true to apply it"));
        }
        return problems;
    }

    private static boolean over(long removed, long before) {
        return before > 0 && removed * 100 > LIMIT_PERCENT * before;
    }

    private static long percent(long removed, long before) {
        return Math.round(removed * 100.0 / before);
    }
}
