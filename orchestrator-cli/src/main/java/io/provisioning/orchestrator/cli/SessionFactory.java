package io.provisioning.orchestrator.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/** Builds command objects, handing the {@link Session} to those whose constructor asks for it. */
final class SessionFactory implements CommandLine.IFactory {
    private final Session session;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    SessionFactory(Session session) {
        this.session = session;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        try {
            Constructor<K> constructor = type.getDeclaredConstructor(Session.class);
            constructor.setAccessible(true);
            return constructor.newInstance(session);
        } catch (NoSuchMethodException e) {
            return fallback.create(type);
        }
    }
}
