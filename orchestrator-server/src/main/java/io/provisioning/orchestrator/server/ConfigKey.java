package io.provisioning.orchestrator.server;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The config file key of a flag whose setting lives in one of the security sections ({@code auth},
 * {@code metrics}, {@code rate_limit}, {@code audit}, {@code tls}). Every other flag's key is
 * {@code server.<flag name with underscores>}. {@link ConfigReference} prints both.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@interface ConfigKey {
    String value();
}
