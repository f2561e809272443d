package io.calbridge.host;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * tenant-host's meters for {@code GET /metrics}: the plugin's (given this registry), the JVM's
 * (memory, GC, threads, classes, CPU, uptime) and the connection pool's (HikariCP's own
 * {@code hikaricp.connections.*}), rendered in Prometheus' text format.
 */
final class HostMetrics implements AutoCloseable {
    /** Prometheus' text exposition format 0.0.4, which every scraper reads. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Logger log = LoggerFactory.getLogger(HostMetrics.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    HostMetrics(DataSource dataSource) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        if (dataSource instanceof HikariDataSource pool) {
            if (pool.getMetricRegistry() == null && pool.getMetricsTrackerFactory() == null) {
                pool.setMetricRegistry(registry);
            } else {
                // HikariCP takes one registry per pool, once: a second app on the same pool (tests) goes without.
                log.info("connection pool {} already reports its metrics elsewhere; /metrics leaves them out", pool.getPoolName());
            }
        }
    }

    MeterRegistry registry() {
        return registry;
    }

    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
