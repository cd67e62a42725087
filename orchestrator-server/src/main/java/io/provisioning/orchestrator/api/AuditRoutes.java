package io.provisioning.orchestrator.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.audit.AuditEntry;
import io.provisioning.orchestrator.audit.AuditLog;
import io.provisioning.orchestrator.audit.AuditQuery;
import io.provisioning.orchestrator.audit.AuditVerification;
import io.provisioning.orchestrator.workflow.Printable;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code GET /audit?subject=&action=&target=&from=&to=&limit=}: entries newest first, header
 * {@code X-Audit-Head: <seq>:<hash>} to note as an anchor. {@code GET /audit/verify}: the chain check.
 */
final class AuditRoutes {
    private static final int MAX_FILTER = 512;
    private final AuditLog audit;

    AuditRoutes(AuditLog audit) {
        this.audit = audit;
    }

    void install(JavalinConfig config) {
        config.routes.get("/audit", this::list);
        config.routes.get("/audit/verify", this::verify);
    }

    private void list(Context ctx) {
        AuditQuery query = new AuditQuery(filter(ctx, "subject"), filter(ctx, "action"), filter(ctx, "target"),
                instant(ctx, "from"), instant(ctx, "to"),
                TaskRoutes.intParam(ctx, "limit", AuditQuery.DEFAULT_LIMIT, 1, AuditQuery.MAX_LIMIT));
        List<ObjectNode> entries = audit.query(query).stream().map(AuditEntry::toJson).toList();
        ctx.header("X-Audit-Head", audit.head());
        Responses.ok(ctx, entries);
    }

    private void verify(Context ctx) {
        AuditVerification result = audit.verify();
        Responses.ok(ctx, result);
    }

    private static String filter(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > MAX_FILTER) {
            throw new InvalidRequestException("query parameter '" + name + "' is longer than " + MAX_FILTER + " characters");
        }
        return value;
    }

    private static Instant instant(Context ctx, String name) {
        String value = filter(ctx, name);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("query parameter '" + name + "' must be an ISO-8601 instant such as "
                    + "2025-01-31T12:00:00Z; got " + Printable.quote(value));
        }
    }
}
