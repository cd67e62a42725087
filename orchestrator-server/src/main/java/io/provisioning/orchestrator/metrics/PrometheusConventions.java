package io.provisioning.orchestrator.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.lang.management.ManagementFactory;

/**
 * Makes the meters Micrometer's own binders register pass {@code promtool check metrics}: the
 * process CPU time (nanoseconds, rendered {@code process_cpu_time_ns_total}, an abbreviated unit)
 * becomes Prometheus' standard {@code process_cpu_seconds_total}, and {@code system_cpu_count}
 * (a gauge named like a histogram's count) becomes {@code system_cpus}. Applied before any meter
 * is registered.
 */
final class PrometheusConventions {
    private PrometheusConventions() {}

    static void applyTo(MeterRegistry registry) {
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
            }
        });
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, bean -> bean.getProcessCpuTime() / 1e9)
                    .baseUnit("seconds").description("CPU time this process has used").register(registry);
        }
    }
}
