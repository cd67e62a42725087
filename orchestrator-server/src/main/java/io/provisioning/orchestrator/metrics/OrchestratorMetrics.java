package io.provisioning.orchestrator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The product's meter registry, rendered in Prometheus text format at {@code /metrics}. Names follow
 * Prometheus conventions once rendered: base units (seconds, bytes), {@code _total} on counters, help
 * text on every metric ({@link PrometheusConventions}; {@code promtool check metrics} passes).
 */
public final class OrchestratorMetrics implements AutoCloseable {
    /** Test environment statuses, as the Test Environment Service reports them. */
    public static final java.util.List<String> ENVIRONMENT_STATUSES =
            java.util.List.of("Creating", "Ready", "Running", "Completed", "Failed");
    private static final Duration[] HTTP_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5)};
    /** Any other method is labelled OTHER, so a client cannot make up label values. */
    private static final java.util.Set<String> KNOWN_METHODS =
            java.util.Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private volatile Supplier<Map<String, Long>> environments = Map::of;

    public OrchestratorMetrics() {
        PrometheusConventions.applyTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        for (String status : ENVIRONMENT_STATUSES) {
            io.micrometer.core.instrument.Gauge.builder("orchestrator.test.environments", this,
                    m -> m.environments.get().getOrDefault(status, 0L))
                    .description("test environments by status").tag("status", status).register(registry);
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The whole registry in Prometheus text exposition format 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    /** Where test environment counts by status come from (the Test Environment Service plugs in here). */
    public void countEnvironmentsWith(Supplier<Map<String, Long>> counts) {
        this.environments = counts;
    }

    /** One HTTP request: {@code route} is the matched template ({@code /tasks/{id}}) or "unmatched". */
    public void recordRequest(String method, String route, int status, long nanos) {
        String known = KNOWN_METHODS.contains(method) ? method : "OTHER";
        // the timer of each (method, route, status) is found once: building its id per request costs more than the timing
        requestTimers.computeIfAbsent(new RequestKey(known, route, status), k -> Timer.builder("http.server.requests")
                .description("HTTP requests by route and status")
                .tags("method", k.method(), "route", k.route(), "status", Integer.toString(k.status()))
                .serviceLevelObjectives(HTTP_BUCKETS)
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Bounded: methods are the known ones or OTHER, routes the matched templates or "unmatched", statuses HTTP codes. */
    private record RequestKey(String method, String route, int status) {}

    private final Map<RequestKey, Timer> requestTimers = new java.util.concurrent.ConcurrentHashMap<>();

    public void countRateLimited() {
        Counter.builder("orchestrator.http.rate.limited").description("requests refused with 429")
                .register(registry).increment();
    }

    public void countAuthFailure(String reason) {
        Counter.builder("orchestrator.auth.failures").description("requests refused with 401 or 403, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    public void countAuditFailure() {
        Counter.builder("orchestrator.audit.write.failures").description("audit entries that could not be written")
                .register(registry).increment();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
