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
        TestEnvOptions testEnv) {}
