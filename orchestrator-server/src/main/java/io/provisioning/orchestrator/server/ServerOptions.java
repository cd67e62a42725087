package io.provisioning.orchestrator.server;

import io.provisioning.orchestrator.engine.ConcurrencyLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Everything the server needs to start; built from the command line by {@link OrchestratorMain}. */
public record ServerOptions(
        String host,
        int port,
        Path dataDir,
        String storageType,
        Map<String, String> storageOptions,
        String nuPath,
        Path provisioningPath,
        Path workspace,
        int workers,
        int defaultMaxAttempts,
        int defaultTimeoutSeconds,
        Duration retryBaseDelay,
        Duration retryMaxDelay,
        Duration shutdownGrace,
        long maxBodyBytes,
        ConcurrencyLimits limits,
        long maxLogBytesPerTask,
        Duration logRetention,
        SecurityOptions security,
        TestEnvOptions testEnv,
        HardeningOptions hardening) {

    /** With the default {@link HardeningOptions}. */
    public ServerOptions(String host, int port, Path dataDir, String storageType, Map<String, String> storageOptions,
            String nuPath, Path provisioningPath, Path workspace, int workers, int defaultMaxAttempts,
            int defaultTimeoutSeconds, Duration retryBaseDelay, Duration retryMaxDelay, Duration shutdownGrace,
            long maxBodyBytes, ConcurrencyLimits limits, long maxLogBytesPerTask, Duration logRetention,
            SecurityOptions security, TestEnvOptions testEnv) {
        this(host, port, dataDir, storageType, storageOptions, nuPath, provisioningPath, workspace, workers,
                defaultMaxAttempts, defaultTimeoutSeconds, retryBaseDelay, retryMaxDelay, shutdownGrace, maxBodyBytes,
                limits, maxLogBytesPerTask, logRetention, security, testEnv, HardeningOptions.defaults());
    }

    /** Without test environment options: the Test Environment Service is off ("not configured"). */
    public ServerOptions(String host, int port, Path dataDir, String storageType, Map<String, String> storageOptions,
            String nuPath, Path provisioningPath, Path workspace, int workers, int defaultMaxAttempts,
            int defaultTimeoutSeconds, Duration retryBaseDelay, Duration retryMaxDelay, Duration shutdownGrace,
            long maxBodyBytes, ConcurrencyLimits limits, long maxLogBytesPerTask, Duration logRetention,
            SecurityOptions security) {
        this(host, port, dataDir, storageType, storageOptions, nuPath, provisioningPath, workspace, workers,
                defaultMaxAttempts, defaultTimeoutSeconds, retryBaseDelay, retryMaxDelay, shutdownGrace, maxBodyBytes,
                limits, maxLogBytesPerTask, logRetention, security, null);
    }

    /** Without security options: the defaults (see {@link SecurityOptions#defaults}). */
    public ServerOptions(String host, int port, Path dataDir, String storageType, Map<String, String> storageOptions,
            String nuPath, Path provisioningPath, Path workspace, int workers, int defaultMaxAttempts,
            int defaultTimeoutSeconds, Duration retryBaseDelay, Duration retryMaxDelay, Duration shutdownGrace,
            long maxBodyBytes, ConcurrencyLimits limits, long maxLogBytesPerTask, Duration logRetention) {
        this(host, port, dataDir, storageType, storageOptions, nuPath, provisioningPath, workspace, workers,
                defaultMaxAttempts, defaultTimeoutSeconds, retryBaseDelay, retryMaxDelay, shutdownGrace, maxBodyBytes,
                limits, maxLogBytesPerTask, logRetention, SecurityOptions.defaults(dataDir), null);
    }
}
