package io.provisioning.orchestrator.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventIdsTest {
    @TempDir
    Path dir;

    @Test
    void ids_rise_across_a_restart_even_with_the_clock_set_back() {
        MutableClock clock = MutableClock.atEpochPlusOneDay();
        Path file = dir.resolve("logs/events.seq");
        EventIds ids = new EventIds(clock, file);
        long first = ids.next();
        long second = ids.next();
        assertThat(second).isGreaterThan(first);
        ids.persist(second);
        ids.close();

        clock.advance(Duration.ofHours(-1));
        EventIds restarted = new EventIds(clock, file);
        assertThat(restarted.last()).isEqualTo(second);
        assertThat(restarted.next()).isEqualTo(second + 1);
    }

    @Test
    void the_file_is_rewritten_in_place_not_replaced_by_a_new_inode_per_batch() throws Exception {
        MutableClock clock = MutableClock.atEpochPlusOneDay();
        Path file = dir.resolve("events.seq");
        EventIds ids = new EventIds(clock, file);
        ids.persist(ids.next());
        Object inode = Files.getAttribute(file, "unix:ino");
        for (int i = 0; i < 50; i++) {
            clock.advance(Duration.ofMillis(3));
            ids.persist(ids.next());
        }
        assertThat(Files.getAttribute(file, "unix:ino")).as("the same file, written in place").isEqualTo(inode);
        assertThat(Files.readString(file)).isEqualTo(String.format("%020d%n", ids.last()));
        assertThat(dir.resolve("events.seq.tmp")).doesNotExist();
        ids.close();
    }

    @Test
    void reads_the_short_form_of_earlier_versions_and_replaces_a_longer_file_whole() throws Exception {
        Path file = dir.resolve("events.seq");
        Files.writeString(file, "1767312000000123\n");
        MutableClock clock = new MutableClock(java.time.Instant.EPOCH);
        EventIds ids = new EventIds(clock, file);
        assertThat(ids.next()).isEqualTo(1767312000000124L);
        ids.close();

        Files.writeString(file, "1767312000000999\n" + " ".repeat(100) + "\n");
        EventIds again = new EventIds(clock, file);
        again.persist(again.next());
        again.close();
        assertThat(Files.readString(file).trim()).isEqualTo("00001767312000001000");
        assertThat(new EventIds(clock, file).last()).isEqualTo(1767312000001000L);
    }

    @Test
    void an_unreadable_file_makes_the_ids_go_on_from_the_clock() throws Exception {
        Path file = dir.resolve("events.seq");
        Files.writeString(file, "not a number");
        MutableClock clock = MutableClock.atEpochPlusOneDay();
        EventIds ids = new EventIds(clock, file);
        assertThat(ids.next()).isEqualTo(EventIds.micros(clock.instant()));
        ids.close();
    }
}
