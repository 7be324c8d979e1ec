package dev.wgmesh.deployer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.HostOs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {

    @TempDir
    Path stateDir;

    private final GroupName group = GroupName.parse("g1");
    private final HostName host = HostName.parse("alpha");

    @Test
    void writesAndReadsBackWhatWasApplied() throws Exception {
        StateStore states = new StateStore(stateDir);
        assertThat(states.read(group, host)).isEmpty();

        try (StateStore.HostLock lock = states.lock(group, host)) {
            states.write(group, host, AppliedState.applied(3, "sha256:abc", HostOs.LINUX));
        }

        assertThat(states.read(group, host)).contains(AppliedState.applied(3, "sha256:abc", HostOs.LINUX));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir.resolve("g1/alpha.applied"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aTempFileThatACrashLeftIsReplacedByTheHostsNextWrite() throws Exception {
        StateStore states = new StateStore(stateDir);
        try (StateStore.HostLock lock = states.lock(group, host)) {
            states.write(group, host, AppliedState.applied(3, "sha256:abc", HostOs.LINUX));
        }
        // killed between creating the temp file and renaming it
        Files.writeString(stateDir.resolve("g1/.alpha.applied.tmp"), "{\"revision\":");

        try (StateStore.HostLock lock = states.lock(group, host)) {
            states.write(group, host, AppliedState.applied(4, "sha256:def", HostOs.LINUX));
        }

        assertThat(states.read(group, host)).contains(AppliedState.applied(4, "sha256:def", HostOs.LINUX));
        try (Stream<Path> files = Files.list(stateDir.resolve("g1"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("alpha.applied");
        }
    }

    @Test
    void locksLeaveNoFileNamedAfterAGroupOrHost() throws Exception {
        StateStore states = new StateStore(stateDir);
        for (int n = 0; n < 1000; n++) {
            try (StateStore.HostLock lock = states.lock(GroupName.parse("group-" + n), HostName.parse("host-" + n))) {
                assertThat(lock).isNotNull();
            }
        }

        try (Stream<Path> files = Files.walk(stateDir)) {
            assertThat(files.filter(p -> !p.equals(stateDir)).map(p -> stateDir.relativize(p).toString()))
                    .allMatch(name -> name.equals(StateStore.LOCK_DIR) || name.matches("\\.locks/\\d{1,3}\\.lock"))
                    .hasSizeLessThanOrEqualTo(StateStore.LOCK_STRIPES + 1);
        }
    }

    @Test
    void aHostsLockExcludesOtherStoresOnTheSameDisk() throws Exception {
        StateStore one = new StateStore(stateDir);
        StateStore other = new StateStore(stateDir);
        AtomicBoolean otherHeld = new AtomicBoolean();
        Thread waiting;
        try (StateStore.HostLock lock = one.lock(group, host)) {
            waiting = new Thread(() -> {
                try (StateStore.HostLock second = other.lock(group, host)) {
                    otherHeld.set(true);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            waiting.start();
            waiting.join(300);
            assertThat(otherHeld).isFalse();
        }
        waiting.join(5000);
        assertThat(otherHeld).isTrue();
    }
}
