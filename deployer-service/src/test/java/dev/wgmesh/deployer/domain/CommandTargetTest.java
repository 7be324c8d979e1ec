package dev.wgmesh.deployer.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.HostOs;
import dev.wgmesh.common.wireguard.InterfaceName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandTargetTest {

    @TempDir
    Path dir;

    private final HostRef host = new HostRef(GroupName.parse("g1"), HostName.parse("alpha"), HostOs.FREEBSD, 7);

    @Test
    void runsTheCommandWithTheHostsEnvironmentAndPrivateFiles() throws Exception {
        Path seen = dir.resolve("seen");
        Path script = script("""
                {
                  echo "group=$WGMESH_GROUP host=$WGMESH_HOST os=$WGMESH_OS revision=$WGMESH_REVISION remove=${WGMESH_REMOVE:-}"
                  echo "dir=$WGMESH_CONFIG_DIR"
                  stat -c '%%a' "$WGMESH_CONFIG_DIR"
                  for f in "$WGMESH_CONFIG_DIR"/*; do echo "$(basename "$f") $(stat -c '%%a' "$f") $(cat "$f")"; done
                } > %s
                echo "a line on stdout"
                """.formatted(seen));

        String changes = new CommandTarget(List.of(script.toString()), Duration.ofSeconds(10), false)
                .apply(host, FileTargetTest.files("wg-1", "one", "wg-2", "two"));

        List<String> lines = Files.readAllLines(seen);
        assertThat(lines.get(0)).isEqualTo("group=g1 host=alpha os=freebsd revision=7 remove=");
        assertThat(lines.get(2)).isEqualTo("700");
        assertThat(lines.subList(3, lines.size())).containsExactly("wg-1.conf 600 one", "wg-2.conf 600 two");
        assertThat(Path.of(lines.get(1).substring("dir=".length()))).as("temp folder deleted").doesNotExist();
        assertThat(changes).contains("wg-1.conf", "wg-2.conf");
    }

    @Test
    void removeRunsWithAnEmptyFolderAndRemoveSet() throws Exception {
        Path seen = dir.resolve("seen");
        Path script = script("""
                echo "remove=$WGMESH_REMOVE files=$(ls -A "$WGMESH_CONFIG_DIR" | wc -l)" > %s
                """.formatted(seen));

        new CommandTarget(List.of(script.toString()), Duration.ofSeconds(10), false).remove(host);

        assertThat(Files.readString(seen).trim()).isEqualTo("remove=1 files=0");
    }

    @Test
    void nonZeroExitFailsWithTheLastLinesOfStandardError() throws Exception {
        StringBuilder body = new StringBuilder("echo 'secret-looking stdout' \n");
        for (int i = 1; i <= 15; i++) {
            body.append("echo 'error line ").append(i).append("' >&2\n");
        }
        body.append("exit 3\n");
        Path script = script(body.toString());

        assertThatThrownBy(() -> new CommandTarget(List.of(script.toString()), Duration.ofSeconds(10), false)
                .apply(host, FileTargetTest.files("wg-1", "one")))
                .isInstanceOf(DeployFailure.class)
                .hasMessageStartingWith(script + " exited with 3: error line 6\n")
                .hasMessageEndingWith("error line 15")
                .hasMessageNotContaining("error line 5\n")
                .hasMessageNotContaining("stdout");
    }

    @Test
    void megabytesOfOutputAreDrainedAndOnlyTheLastLinesKept() throws Exception {
        // 40 MB on each stream: the first line must be long gone, the last one in the reason
        Path script = script("""
                echo 'the first error line' >&2
                head -c 41943040 /dev/zero | tr '\\0' 'o'
                head -c 41943040 /dev/zero | tr '\\0' 'e' >&2
                echo >&2
                echo 'the last error line' >&2
                exit 4
                """);
        long start = System.nanoTime();

        assertThatThrownBy(() -> new CommandTarget(List.of(script.toString()), Duration.ofSeconds(60), false)
                .apply(host, FileTargetTest.files("wg-1", "one")))
                .isInstanceOf(DeployFailure.class)
                .hasMessageStartingWith(script + " exited with 4: ")
                .hasMessageEndingWith("the last error line")
                .hasMessageNotContaining("the first error line")
                .hasMessageNotContaining("ooo")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(CommandTarget.REASON_CHARS + 200));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aProcessLeftHoldingTheErrorOutputDoesNotHoldUpTheHost() throws Exception {
        Path script = script("sleep 5 &\necho 'failed after starting a daemon' >&2\nexit 1\n");
        long start = System.nanoTime();

        assertThatThrownBy(() -> new CommandTarget(List.of(script.toString()), Duration.ofSeconds(10), false)
                .apply(host, FileTargetTest.files("wg-1", "one")))
                .isInstanceOf(DeployFailure.class)
                .hasMessageEndingWith("failed after starting a daemon");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void aCommandThatRunsTooLongFails() throws Exception {
        Path script = script("echo 'starting' >&2\nsleep 30\n");
        long start = System.nanoTime();

        assertThatThrownBy(() -> new CommandTarget(List.of(script.toString()), Duration.ofMillis(500), false)
                .apply(host, FileTargetTest.files("wg-1", "one")))
                .isInstanceOf(DeployFailure.class)
                .hasMessageStartingWith(script + " timed out after 500 ms: starting");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void argumentsArePassedOn() throws Exception {
        Path seen = dir.resolve("seen");
        Path script = script("echo \"$1 $2\" > %s\n".formatted(seen));

        new CommandTarget(List.of(script.toString(), "--ssh", "root@example"), Duration.ofSeconds(10), false)
                .apply(host, DesiredFiles.none());

        assertThat(Files.readString(seen).trim()).isEqualTo("--ssh root@example");
    }

    @Test
    void statusRunsWithStatusFirstAndTheHostsEnvironmentAndIsParsed() throws Exception {
        Path script = script("""
                [ "$1" = status ] && [ "$2" = --via ] && [ "$3" = jump ] || { echo "args: $*" >&2; exit 9; }
                [ -z "${WGMESH_CONFIG_DIR:-}" ] && [ -z "${WGMESH_REVISION:-}" ] || { echo "config dir given" >&2; exit 8; }
                printf 'wgmesh-status\t1\n'
                printf 'interface\t%s\tmissing\t-\t-\t-\n' "wg-$WGMESH_GROUP-$WGMESH_OS"
                printf 'end\n'
                """);

        HostObservation observed = new CommandTarget(List.of(script.toString(), "--via", "jump"), Duration.ofSeconds(10), false)
                .observe(host, null);

        assertThat(observed.runtime()).isTrue();
        assertThat(observed.interfaces()).singleElement().satisfies(i -> {
            assertThat(i.name().value()).isEqualTo("wg-g1-freebsd");
            assertThat(i.state()).isEqualTo(HostObservation.State.MISSING);
        });
    }

    @Test
    void aBriefLookPassesTheTimeAndComparesTheDigests() throws Exception {
        String sha = "a".repeat(64);
        Path script = script("""
                [ "$1" = status ] && [ -n "$WGMESH_STATUS_BRIEF" ] || { echo "not asked to be brief" >&2; exit 9; }
                printf 'wgmesh-brief\t1\n'
                printf 'interface\twg0\t%%s\t%%s\n' %s "$( [ "$WGMESH_STATUS_BRIEF" -gt 1700000000 ] && echo 1 || echo 0 )"
                printf 'end\n'
                """.formatted(sha));
        CommandTarget target = new CommandTarget(List.of(script.toString()), Duration.ofSeconds(10), false);
        Map<InterfaceName, String> digests = Map.of(InterfaceName.parse("wg0"), sha);

        assertThat(target.unchanged(host, digests, Instant.ofEpochSecond(1_600_000_000))).isTrue();
        assertThat(target.unchanged(host, digests, Instant.ofEpochSecond(1_800_000_000))).as("a stale peer").isFalse();
        assertThat(target.unchanged(host, Map.of(InterfaceName.parse("wg0"), "b".repeat(64)),
                Instant.ofEpochSecond(1_600_000_000))).as("another digest").isFalse();
    }

    @Test
    void aCommandThatIsNeverBriefGetsAFullLookInstead() throws Exception {
        Path script = script("printf 'wgmesh-status\\t1\\nend\\n'\n");
        CommandTarget target = new CommandTarget(List.of(script.toString()), Duration.ofSeconds(10), false);

        assertThat(target.unchanged(host, Map.of(), Instant.EPOCH)).isFalse();
        assertThat(target.observe(host, null).interfaces()).isEmpty();
    }

    @Test
    void statusThatFailsOrPrintsNonsenseOrTooMuchSaysWhy() throws Exception {
        CommandTarget failing = new CommandTarget(List.of(script("echo 'no route to host' >&2\nexit 255\n").toString()),
                Duration.ofSeconds(10), false);
        assertThatThrownBy(() -> failing.observe(host, null)).isInstanceOf(DeployFailure.class)
                .hasMessageContaining("exited with 255").hasMessageContaining("no route to host");

        CommandTarget nonsense = new CommandTarget(List.of(script("echo '<html>hello</html>'\n").toString()),
                Duration.ofSeconds(10), false);
        assertThatThrownBy(() -> nonsense.observe(host, null)).isInstanceOf(DeployFailure.class)
                .hasMessageContaining("line 1").hasMessageContaining("<html>");
        CommandTarget badBrief = new CommandTarget(List.of(script("printf 'wgmesh-brief\\t1\\nrm -rf /\\nend\\n'\n")
                .toString()), Duration.ofSeconds(10), false);
        assertThatThrownBy(() -> badBrief.unchanged(host, Map.of(), Instant.EPOCH)).isInstanceOf(DeployFailure.class)
                .hasMessageContaining("line 2").hasMessageContaining("rm -rf /");

        CommandTarget flood = new CommandTarget(List.of(script("yes wgmesh-status | head -c 3000000\n").toString()),
                Duration.ofSeconds(10), false);
        assertThatThrownBy(() -> flood.observe(host, null)).isInstanceOf(DeployFailure.class)
                .hasMessageContaining("more than " + CommandTarget.MAX_STATUS_BYTES + " bytes");
    }

    /** A command that keeps a status open: each start and end is a line in {@code runs}. */
    private Path following(String answer) throws Exception {
        return script("""
                echo "started follow=${WGMESH_STATUS_FOLLOW:-} brief=${WGMESH_STATUS_BRIEF:-} host=$WGMESH_HOST" >> %s
                [ "$1" = status ] && [ "${WGMESH_STATUS_FOLLOW:-}" = 1 ] || exit 9
                printf 'wgmesh-follow\t1\n'
                while read -r request since; do
                    [ "$request" = brief ] || exit 8
                    %s
                done
                echo ended >> %s
                """.formatted(dir.resolve("runs"), answer, dir.resolve("runs")));
    }

    private List<String> runs() throws Exception {
        Path runs = dir.resolve("runs");
        return Files.exists(runs) ? Files.readAllLines(runs) : List.of();
    }

    @Test
    void aSettledHostsBriefLooksGoToOneStatusSessionKeptOpen() throws Exception {
        String sha = "a".repeat(64);
        Path script = following("""
                printf 'wgmesh-brief\t1\ninterface\twg0\t%s\t%%s\nend\n' "$( [ "$since" -gt 1700000000 ] && echo 1 || echo 0 )"
                """.formatted(sha));
        Map<InterfaceName, String> digests = Map.of(InterfaceName.parse("wg0"), sha);
        try (CommandTarget target = new CommandTarget(List.of(script.toString()), Duration.ofSeconds(10), true)) {
            assertThat(target.unchanged(host, digests, Instant.ofEpochSecond(1_600_000_000))).isTrue();
            assertThat(target.unchanged(host, digests, Instant.ofEpochSecond(1_800_000_000))).as("a stale peer").isFalse();
            assertThat(target.unchanged(host, Map.of(InterfaceName.parse("wg0"), "b".repeat(64)),
                    Instant.ofEpochSecond(1_600_000_000))).as("another digest").isFalse();
            assertThat(target.unchanged(host, digests, Instant.ofEpochSecond(1_600_000_000))).isTrue();
            assertThat(runs()).containsExactly("started follow=1 brief= host=alpha");

            target.forget(host.group(), host.host());
            awaitRuns(2);
            assertThat(runs()).as("its input ended, so it ended").containsExactly(
                    "started follow=1 brief= host=alpha", "ended");
        }
    }

    @Test
    void aHostWithASessionGetsItsFullLooksThroughItAndARunWhenItFails() throws Exception {
        Path script = script("""
                echo "started follow=${WGMESH_STATUS_FOLLOW:-}" >> %s
                if [ "${WGMESH_STATUS_FOLLOW:-}" = 1 ]; then
                    printf 'wgmesh-follow\t1\n'
                    while read -r request since; do
                        case $request in
                            full) [ ! -e %s ] || exit 3; printf 'wgmesh-status\t1\nend\n' ;;
                            *) printf 'wgmesh-brief\t1\nend\n' ;;
                        esac
                    done
                    exit 0
                fi
                printf 'wgmesh-status\t1\nend\n'
                """.formatted(dir.resolve("runs"), dir.resolve("broken")));
        try (CommandTarget target = new CommandTarget(List.of(script.toString()), Duration.ofSeconds(10), true)) {
            assertThat(target.observe(host, null).interfaces()).as("no session yet: a run").isEmpty();
            assertThat(target.unchanged(host, Map.of(), Instant.EPOCH)).isTrue();
            assertThat(target.observe(host, null).interfaces()).isEmpty();
            assertThat(target.observe(host, null).interfaces()).isEmpty();
            assertThat(runs()).containsExactly("started follow=", "started follow=1");

            Files.createFile(dir.resolve("broken"));
            assertThat(target.observe(host, null).interfaces()).as("the session ended: a run").isEmpty();
            assertThat(runs()).containsExactly("started follow=", "started follow=1", "started follow=");
        }
    }

    @Test
    void aSessionThatStopsAnsweringIsKilledAndTheNextLookStartsAnother() throws Exception {
        Path answered = dir.resolve("answered");
        Path script = following("""
                if [ -e %1$s ]; then sleep 600; fi
                touch %1$s
                printf 'wgmesh-brief\t1\nend\n'
                """.formatted(answered));
        try (CommandTarget target = new CommandTarget(List.of(script.toString()), Duration.ofMillis(700), true)) {
            assertThat(target.unchanged(host, Map.of(), Instant.EPOCH)).isTrue();
            assertThatThrownBy(() -> target.unchanged(host, Map.of(), Instant.EPOCH)).isInstanceOf(DeployFailure.class)
                    .hasMessageContaining("did not answer within 700 ms");

            Files.delete(answered);
            assertThat(target.unchanged(host, Map.of(), Instant.EPOCH)).as("a new session").isTrue();
            assertThat(runs()).hasSize(2).allMatch(line -> line.startsWith("started follow=1"));
        }
        // the new session ends by itself once its input is closed, and writes that here before the folder goes
        awaitRuns(3);
        assertThat(runs()).last().isEqualTo("ended");
    }

    @Test
    void aCommandThatKeepsNoStatusOpenGetsARunForEachBriefLook() throws Exception {
        String sha = "a".repeat(64);
        Path script = script("""
                echo "started follow=${WGMESH_STATUS_FOLLOW:-} brief=${WGMESH_STATUS_BRIEF:-}" >> %s
                printf 'wgmesh-brief\t1\ninterface\twg0\t%s\t0\nend\n'
                """.formatted(dir.resolve("runs"), sha));
        try (CommandTarget target = new CommandTarget(List.of(script.toString()), Duration.ofSeconds(10), true)) {
            Map<InterfaceName, String> digests = Map.of(InterfaceName.parse("wg0"), sha);
            assertThat(target.unchanged(host, digests, Instant.ofEpochSecond(1_600_000_000))).isTrue();
            assertThat(target.unchanged(host, digests, Instant.ofEpochSecond(1_600_000_000))).isTrue();
            assertThat(runs()).as("asked for a session once, then a run a look").containsExactly(
                    "started follow=1 brief=", "started follow= brief=1600000000", "started follow= brief=1600000000");
        }
    }

    @Test
    void hostileSessionAnswersAreRefusedAndTheSessionClosed() throws Exception {
        for (String answer : List.of("printf 'wgmesh-brief\\t1\\nrm -rf /\\nend\\n'",
                "yes wgmesh-brief | head -c 100000", "printf 'wgmesh-brief\\t1\\n'; break")) {
            Files.deleteIfExists(dir.resolve("runs"));
            Path script = following(answer);
            try (CommandTarget target = new CommandTarget(List.of(script.toString()), Duration.ofSeconds(10), true)) {
                assertThatThrownBy(() -> target.unchanged(host, Map.of(), Instant.EPOCH)).as(answer)
                        .isInstanceOf(DeployFailure.class)
                        .hasMessageMatching("(?s).*(line 2.*rm -rf /|more than " + StatusSession.MAX_ANSWER_BYTES
                                + " bytes|status session ended).*");
                awaitRuns(2);
                assertThat(runs()).as(answer + ": closed").endsWith("ended");
            }
        }
    }

    /** Until {@code runs} has that many lines (a session ends a moment after its input). */
    private void awaitRuns(int lines) throws Exception {
        for (int i = 0; i < 100 && runs().size() < lines; i++) {
            Thread.sleep(50);
        }
    }

    private Path script(String body) throws Exception {
        Path script = dir.resolve("apply-host.sh");
        Files.writeString(script, "#!/bin/sh\nset -e\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
