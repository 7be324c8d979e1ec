package dev.wgmesh.e2e.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * host/wgmesh-apply's FreeBSD branch (WGMESH_OS=freebsd) with stand-ins for sysrc, ifconfig and wg-quick,
 * since no FreeBSD runs here: rc.conf's wireguard_interfaces gets this group's names added and removed,
 * the entries of the admin and of other groups stay, and a failed run puts the list back.
 */
class FreeBsdApplyTest {

    @TempDir
    Path tmp;

    private Path rcConf;
    private Path running;

    @BeforeEach
    void standIns() throws IOException {
        rcConf = tmp.resolve("rc.conf");
        Files.writeString(rcConf, "wireguard_interfaces=\"admin0 other1\"\n");
        running = Files.createDirectories(tmp.resolve("running"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        // sysrc as sysrc(8) documents it: -n name, name=value, name+=value (append), name-=value (remove);
        // it refuses to add wg9, for the rollback
        executable(bin.resolve("sysrc"), """
                #!/usr/bin/env bash
                rc=%s
                get() { sed -n "s/^$1=\\"\\(.*\\)\\"$/\\1/p" "$rc"; }
                put() { { grep -v "^$1=" "$rc" || true; echo "$1=\\"$2\\""; } >"$rc.new"; mv "$rc.new" "$rc"; }
                if [ "$1" = -n ]; then get "$2"; exit; fi
                for a in "$@"; do
                    case "$a" in
                        *+=wg9) echo "sysrc: cannot add wg9" >&2; exit 1 ;;
                        *+=*) n=${a%%%%+=*}; current=$(get "$n"); put "$n" "${current:+$current }${a#*+=}" ;;
                        *-=*) n=${a%%%%-=*}; put "$n" "$(get "$n" | tr ' ' '\\n' | grep -vxF "${a#*-=}" | paste -sd ' ' -)" ;;
                        *=*) put "${a%%%%=*}" "${a#*=}" ;;
                    esac
                done
                """.formatted(rcConf));
        // an interface "exists" while its marker does
        executable(bin.resolve("ifconfig"), """
                #!/usr/bin/env bash
                [ -e %s/"$1" ]
                """.formatted(running));
        executable(bin.resolve("wg-quick"), """
                #!/usr/bin/env bash
                name=$(basename "$2" .conf)
                case "$1" in
                    strip) cat "$2" ;;
                    up) touch %1$s/"$name" ;;
                    down) rm %1$s/"$name" ;;
                esac
                """.formatted(running));
        // a running interface as "wg show <if> dump" shows one without a key or peers (what the files declare)
        executable(bin.resolve("wg"), "#!/bin/sh\n[ \"$1 $3\" = \"show dump\" ] || exit 1\nprintf '(none)\\t(none)\\t0\\toff\\n'\n");
    }

    @Test
    void wireguardInterfacesGetsThisGroupsNamesAddedAndRemovedAndKeepsEveryOtherEntry() throws Exception {
        Lab.Result both = apply("wg0", "wg1");
        assertThat(both.exitCode()).as(both.stderr()).isZero();
        assertThat(both.stdout()).contains("[#] sysrc wireguard_interfaces+=wg0", "[#] sysrc wireguard_interfaces+=wg1",
                "[#] sysrc wireguard_enable=YES");
        assertThat(Files.readString(rcConf)).contains("wireguard_interfaces=\"admin0 other1 wg0 wg1\"");
        assertThat(apply("wg0", "wg1").stdout()).doesNotContain("[#]");

        Lab.Result one = apply("wg1");
        assertThat(one.exitCode()).as(one.stderr()).isZero();
        assertThat(one.stdout()).contains("[#] sysrc wireguard_interfaces-=wg0").doesNotContain("+=");
        assertThat(Files.readString(rcConf)).contains("wireguard_interfaces=\"admin0 other1 wg1\"");

        // wg1 out, wg9 in: the failed add of wg9 undoes the removal of wg1 too
        Lab.Result failed = apply("wg9");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.stderr().lines().reduce((first, last) -> last).orElseThrow())
                .isEqualTo("wgmesh-apply: 'sysrc wireguard_interfaces+=wg9' failed (exit 1): sysrc: cannot add wg9; "
                        + "previous state restored");
        assertThat(Files.readString(rcConf)).contains("wireguard_interfaces=\"admin0 other1 wg1\"");
        try (var names = Files.list(running)) {
            assertThat(names.map(p -> p.getFileName().toString()).toList()).containsExactly("wg1");
        }
        assertThat(tmp.resolve("etc/wg1.conf")).exists();
        assertThat(tmp.resolve("etc/wg9.conf")).doesNotExist();
        assertThat(tmp.resolve("owners/wg9")).doesNotExist();

        Lab.Result none = apply();
        assertThat(none.exitCode()).as(none.stderr()).isZero();
        assertThat(Files.readString(rcConf)).contains("wireguard_interfaces=\"admin0 other1\"");
    }

    /** wgmesh-apply as FreeBSD runs it, with one file per name in a fresh desired folder (no key: nothing reads it). */
    private Lab.Result apply(String... interfaces) throws IOException {
        Path desired = Files.createTempDirectory(tmp, "desired");
        for (String name : interfaces) {
            // the same file for a name in every run: a run changes only which names are desired
            Files.writeString(desired.resolve(name + ".conf"), "[Interface]\n# " + name + "\nAddress = 10.97.0.1/24\n");
        }
        List<String> command = List.of(Lab.applyScript().toString(), "--config-root", tmp.resolve("etc").toString(),
                "--state-dir", tmp.resolve("state/g1").toString(), "--owners-dir", tmp.resolve("owners").toString(),
                desired.toString());
        return Shell.run(command, Map.of("WGMESH_OS", "freebsd", "PATH", tmp.resolve("bin") + ":" + System.getenv("PATH")),
                Duration.ofSeconds(30));
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }
}
