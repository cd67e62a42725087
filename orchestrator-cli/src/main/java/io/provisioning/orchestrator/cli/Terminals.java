package io.provisioning.orchestrator.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Is stdout a terminal? {@code System.console()} says so on JDK 21; JDK 22+ also needs {@code isTerminal()}. */
final class Terminals {
    private Terminals() {}

    static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
