package dev.wgmesh.deployer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.HostOs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("alpha.applied",
                    "alpha.lock");
        }
    }
}
