package io.ingestline.edge.admin;

import io.ingestline.edge.admin.AdminApi.AdminException;
import io.ingestline.edge.config.ConfigStore.RuleChange;
import io.ingestline.model.rules.RuleRecords;
import io.javalin.http.Context;

/**
 * Rule versions over HTTP: a rule's version (the offset of its record in the configuration topic) is its
 * {@code ETag}; a change with {@code If-Match: <version>} applies only if that is still the current version, else
 * 412 and nothing changes.
 */
final class Versions {
    private Versions() {
    }

    /** The version in {@code If-Match}, null when absent; 400 when it is not one. */
    static Long ifMatch(Context ctx) {
        String given = ctx.header("If-Match");
        if (given == null || given.isBlank()) {
            return null;
        }
        String v = given.trim();
        v = v.startsWith("W/") ? v.substring(2) : v;
        v = v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
        try {
            long version = Long.parseLong(v);
            if (version >= 0) {
                return version;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new AdminException(400, "If-Match must be a rule version (its ETag), not " + given);
    }

    /**
     * 412 at once when {@code expected} is older than what this node knows (versions only grow), or names a version of
     * a rule that does not exist (readers apply a conditional change of a key they have no rule of, see
     * {@link RuleRecords}); a newer one may be this node lagging, so the configuration topic decides.
     */
    static void refuseStale(Long expected, long current) {
        if (expected != null && (current == RuleRecords.NONE || expected < current)) {
            throw stale(expected, current);
        }
    }

    static AdminException stale(long expected, long current) {
        return new AdminException(412, "version " + expected + " is not the current one ("
                + (current == RuleRecords.NONE ? "there is none" : "it is " + current) + "); nothing was changed");
    }

    /** 412 when the change was refused. */
    static void requireApplied(RuleChange change, Long expected, long currentNow) {
        if (!change.applied()) {
            throw stale(expected == null ? RuleRecords.NONE : expected, currentNow);
        }
    }

    static void etag(Context ctx, long version) {
        ctx.header("ETag", "\"" + version + "\"");
    }
}
