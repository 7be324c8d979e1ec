package dev.wgmesh.e2e.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.crypto.PresharedKeys;
import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.InterfaceName;
import dev.wgmesh.common.wireguard.SecretKey;
import dev.wgmesh.common.wireguard.WgConfig;
import dev.wgmesh.common.wireguard.WgConfigWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * host/wgmesh-apply on real (namespace) hosts, without the wgmesh services: a mesh of three comes up,
 * a changed peer is updated live without tearing the other tunnels down, and an empty desired
 * folder takes the host's interface away; a file with a key wgmesh never writes changes nothing;
 * status shows the live tunnels and no secret; an interface of another group or one made by hand is
 * never taken over; where systemd runs, the tunnels are enabled for the next boot.
 */
class LabTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final List<String> HOSTS = List.of("alpha", "beta", "gamma");
    private static final String OWNERS = "/var/lib/wgmesh/.owners";

    @TempDir
    Path tmp;

    private final Map<String, X25519Keys.KeyPair> keys = new LinkedHashMap<>();
    private final Map<String, List<Cidr>> internalNetworks = new LinkedHashMap<>();
    private SecretKey pskSeed;

    /** Fresh keys, a preshared-key seed and one internal network per host, for every test. */
    @BeforeEach
    void keysAndNetworks() {
        LabTools.assumeAvailable();
        byte[] seed = new byte[32];
        RANDOM.nextBytes(seed);
        pskSeed = SecretKey.of(seed);
        for (int i = 1; i <= HOSTS.size(); i++) {
            keys.put(host(i), X25519Keys.generate(RANDOM));
            internalNetworks.put(host(i), new ArrayList<>(List.of(Cidr.parse("10.200." + i + ".0/24"))));
        }
    }

    @Test
    void meshComesUpIsUpdatedLiveAndComesDown() throws IOException, InterruptedException {

        try (Lab lab = Lab.start(HOSTS.toArray(String[]::new))) {
            for (int i = 1; i <= HOSTS.size(); i++) {
                lab.addLoopbackAddress(host(i), "10.200." + i + ".1/24");
                Lab.Result applied = lab.apply(host(i), writeDesired(lab, "rev1", i));
                assertThat(applied.exitCode()).as("apply on %s: %s", host(i), applied.stderr()).isZero();
                assertThat(applied.stdout()).contains("[#] wg-quick up /etc/wireguard/wg0.conf");
            }

            // every host reaches every other host's tunnel address and internal network
            List<String> targets = new ArrayList<>();
            for (int j = 1; j <= HOSTS.size(); j++) {
                targets.add("10.99.0." + j);
                targets.add("10.200." + j + ".1");
            }
            StringBuilder matrix = new StringBuilder(String.format("%-8s", "ping"));
            targets.forEach(target -> matrix.append(String.format("%-13s", target)));
            List<String> failures = new ArrayList<>();
            for (int i = 1; i <= HOSTS.size(); i++) {
                matrix.append(String.format("%n%-8s", host(i)));
                for (String target : targets) {
                    boolean own = target.equals("10.99.0." + i) || target.equals("10.200." + i + ".1");
                    boolean ok = lab.ping(host(i), target);
                    matrix.append(String.format("%-13s", own ? "(self)" : ok ? "ok" : "FAIL"));
                    if (!own && !ok) {
                        failures.add(host(i) + " -> " + target);
                    }
                }
            }
            System.out.println(matrix);
            assertThat(failures).as("pings that got no answer").isEmpty();

            Map<String, Long> before = handshakes(lab);
            System.out.println("latest handshakes before the change: " + before);
            assertThat(before).hasSize(6).allSatisfy((pair, epoch) -> assertThat(epoch).as(pair).isPositive());
            String wg0Before = lab.exec("beta", "ip", "-o", "link", "show", "dev", "wg0").orThrow().stdout();
            // a re-created tunnel would show a later second
            Thread.sleep(1_100);

            // alpha gets a new internal network; only beta's config changes (alpha's AllowedIPs on beta)
            lab.addLoopbackAddress("alpha", "10.201.1.1/24");
            internalNetworks.get("alpha").add(Cidr.parse("10.201.1.0/24"));
            Lab.Result updated = lab.apply("beta", writeDesired(lab, "rev2", 2));
            System.out.println("re-apply on beta:\n" + updated.stdout());
            assertThat(updated.exitCode()).as("re-apply on beta: %s", updated.stderr()).isZero();
            assertThat(updated.stdout())
                    .contains("[#] wg set wg0 peer ", " allowed-ips 10.200.1.0/24,10.201.1.0/24,10.99.0.1/32",
                            "[#] ip -4 route add 10.201.1.0/24 dev wg0")
                    .doesNotContain("wg syncconf", "wg setconf")
                    .doesNotContain("wg-quick up", "wg-quick down");
            assertThat(lab.exec("beta", "ip", "-o", "link", "show", "dev", "wg0").orThrow().stdout())
                    .as("beta's wg0 is the same interface").isEqualTo(wg0Before);
            assertThat(handshakes(lab)).as("no tunnel was torn down").isEqualTo(before);

            assertThat(lab.ping("beta", "10.201.1.1")).as("beta reaches alpha's new network").isTrue();
            assertThat(lab.ping("beta", "10.99.0.3")).as("beta still reaches gamma").isTrue();
            assertThat(lab.ping("beta", "10.200.1.1")).as("beta still reaches alpha").isTrue();
            Map<String, Long> after = handshakes(lab);
            System.out.println("latest handshakes after the change and pings: " + after);
            assertThat(after).as("the sessions went on").isEqualTo(before);

            // the same files again change nothing
            Lab.Result again = lab.apply("beta", tmp.resolve("rev2").resolve("beta"));
            assertThat(again.exitCode()).isZero();
            assertThat(again.stdout()).doesNotContain("[#]");

            // a failing step (a second interface on wg0's port and routes) undoes the whole run, wg0's change
            // included; wireguard-go binds the port when it sees the interface up, so at times the port is still
            // free at "wg setconf" and the routes fail first
            Path broken = Files.createDirectories(tmp.resolve("broken"));
            String rev1 = Files.readString(tmp.resolve("rev1/beta/wg0.conf"));
            writePrivate(broken.resolve("wg0.conf"), rev1);
            writePrivate(broken.resolve("wg1.conf"), rev1.replace("10.99.0.2/24", "10.98.0.2/24"));
            Lab.Result failed = lab.apply("beta", broken);
            List<String> errorLines = failed.stderr().lines().toList();
            System.out.println("failed apply on beta, last stderr line: " + errorLines.get(errorLines.size() - 1));
            assertThat(failed.exitCode()).isEqualTo(1);
            assertThat(errorLines.get(errorLines.size() - 1))
                    .startsWith("wgmesh-apply: 'wg-quick up /etc/wireguard/wg1.conf' failed")
                    .containsAnyOf("Address already in use", "File exists").endsWith("previous state restored");
            assertThat(lab.exec("beta", "cat", "/etc/wireguard/wg0.conf").orThrow().stdout())
                    .isEqualTo(Files.readString(tmp.resolve("rev2/beta/wg0.conf")));
            assertThat(lab.exec("beta", "test", "-e", "/etc/wireguard/wg1.conf").exitCode()).isNotZero();
            assertThat(lab.exec("beta", "test", "-e", OWNERS + "/wg1").exitCode()).as("wg1's owner record").isNotZero();
            assertThat(lab.links("beta")).contains("wg0").doesNotContain("wg1");
            assertThat(lab.ping("beta", "10.201.1.1")).as("the rolled back route works").isTrue();
            assertThat(handshakes(lab)).as("the rollback kept the sessions").isEqualTo(before);

            // gamma leaves: an empty desired folder takes its interface and file away
            Path empty = Files.createDirectories(tmp.resolve("empty"));
            Lab.Result removed = lab.apply("gamma", empty);
            System.out.println("empty desired folder on gamma:\n" + removed.stdout());
            assertThat(removed.exitCode()).as("remove on gamma: %s", removed.stderr()).isZero();
            assertThat(removed.stdout()).contains("[#] wg-quick down /etc/wireguard/wg0.conf");
            assertThat(lab.links("gamma")).doesNotContain("wg0");
            assertThat(lab.exec("gamma", "test", "-e", "/etc/wireguard/wg0.conf").exitCode()).isNotZero();
            assertThat(lab.exec("gamma", "ls", "-A", OWNERS).orThrow().stdout()).as("gamma's owner records").isEmpty();
            assertThat(lab.ping("alpha", "10.99.0.2")).as("alpha still reaches beta").isTrue();
        }
    }

    @Test
    void commandScriptAppliesIntoTheHostTheDeployerNames() throws IOException, InterruptedException {
        try (Lab lab = Lab.start(HOSTS.toArray(String[]::new))) {
            Path script = lab.applyCommandScript();
            for (int i = 1; i <= HOSTS.size(); i++) {
                lab.addLoopbackAddress(host(i), "10.200." + i + ".1/24");
                // as deployer-service's command target runs it: in the root namespace, with its env
                Lab.Result result = deploy(script, host(i), writeDesired(lab, "rev1", i), false);
                assertThat(result.exitCode()).as("%s: %s", host(i), result.stderr()).isZero();
            }
            assertThat(lab.ping("alpha", "10.99.0.3")).isTrue();
            assertThat(lab.ping("gamma", "10.200.2.1")).isTrue();

            // as the deployer observes a host: "status" first, no config folder
            Lab.Result status = run(Map.of("WGMESH_GROUP", "lab", "WGMESH_HOST", "gamma", "WGMESH_OS", "linux"),
                    script.toString(), "status");
            assertThat(status.exitCode()).as(status.stderr()).isZero();
            assertThat(status.stdout()).startsWith("wgmesh-status\t1\ninterface\twg0\tup\t51820\t"
                    + keys.get("gamma").publicKey().base64() + "\t").endsWith("\nend\n");

            Lab.Result unknown = deploy(script, "delta", tmp.resolve("rev1/alpha"), false);
            assertThat(unknown.exitCode()).isEqualTo(1);
            assertThat(unknown.stderr()).contains("has no host named 'delta'");

            Lab.Result removed = deploy(script, "beta", Files.createDirectories(tmp.resolve("none")), true);
            assertThat(removed.exitCode()).as(removed.stderr()).isZero();
            assertThat(lab.links("beta")).doesNotContain("wg0");
            assertThat(lab.links("alpha")).contains("wg0");
        }
    }

    @Test
    void sshTargetSendsTheFilesAndAppliesThemOnTheHost() throws Exception {
        try (Lab lab = Lab.start(HOSTS.toArray(String[]::new))) {
            // an ssh that runs the remote command inside the lab host the destination names, keeping what it was sent
            Path bin = Files.createDirectories(tmp.resolve("bin"));
            Path sent = tmp.resolve("sent.tar");
            Files.writeString(bin.resolve("ssh"), """
                    #!/usr/bin/env bash
                    while [ $# -gt 0 ]; do case "$1" in -o|-i|-p) shift 2 ;; -*) shift ;; *) break ;; esac; done
                    host=${1#*@}; host=${host%%%%.*}; shift
                    tee %2$s | nsenter --mount=/run/%1$s/"$host" --net=/var/run/netns/%1$s-"$host" bash -c "$*"
                    """.formatted(lab.prefix(), sent));
            Files.setPosixFilePermissions(bin.resolve("ssh"), PosixFilePermissions.fromString("rwx------"));
            String sshScript = Lab.applyScript().resolveSibling("wgmesh-ssh").toString();
            Map<String, String> env = new LinkedHashMap<>(Map.of("PATH", bin + ":" + System.getenv("PATH"),
                    "WGMESH_GROUP", "lab", "WGMESH_OS", "linux"));
            for (int i = 1; i <= HOSTS.size(); i++) {
                lab.addLoopbackAddress(host(i), "10.200." + i + ".1/24");
                env.put("WGMESH_HOST", host(i));
                env.put("WGMESH_CONFIG_DIR", writeDesired(lab, "ssh", i).toString());
                Lab.Result applied = run(env, sshScript, "root@%h.lab.example");
                assertThat(applied.exitCode()).as("wgmesh-ssh for %s: %s", host(i), applied.stderr()).isZero();
            }
            assertThat(lab.ping("alpha", "10.99.0.3")).isTrue();
            assertThat(lab.ping("beta", "10.200.1.1")).isTrue();
            assertThat(lab.exec("gamma", "ls", "/etc/wireguard").orThrow().stdout()).contains("wg0.conf");
            assertThat(lab.exec("gamma", "cat", "/var/lib/wgmesh/lab/interfaces").orThrow().stdout()).contains("wg0");

            // status as the deployer runs it: "status" inserted first, no config folder; only wgmesh-apply is sent
            env.remove("WGMESH_CONFIG_DIR");
            Lab.Result status = run(env, sshScript, "status", "root@%h.lab.example");
            assertThat(status.exitCode()).as(status.stderr()).isZero();
            assertThat(status.stdout()).startsWith("wgmesh-status\t1\ninterface\twg0\tup\t51820\t"
                    + keys.get("gamma").publicKey().base64() + "\t").endsWith("\nend\n");
            assertThat(run(Map.of(), "tar", "-tf", sent.toString()).stdout()).isEqualTo("wgmesh-apply\n");
            // brief, as the deployer asks a settled host: the time goes along; only digits are sent
            String digest = status.stdout().lines().filter(line -> line.startsWith("digest\t")).findFirst().orElseThrow()
                    .split("\t")[2];
            env.put("WGMESH_STATUS_BRIEF", "1");
            Lab.Result brief = run(env, sshScript, "status", "root@%h.lab.example");
            // one stale peer: gamma has talked to alpha, never to beta
            assertThat(brief.stdout()).as(brief.stderr()).isEqualTo("wgmesh-brief\t1\ninterface\twg0\t" + digest + "\t1\nend\n");
            env.put("WGMESH_STATUS_BRIEF", "1; touch /tmp/owned");
            Lab.Result hostile = run(env, sshScript, "status", "root@%h.lab.example");
            assertThat(hostile.exitCode()).isEqualTo(2);
            assertThat(hostile.stderr()).contains("WGMESH_STATUS_BRIEF must be Unix seconds");
            assertThat(lab.exec("gamma", "test", "-e", "/tmp/owned").exitCode()).isNotZero();

            // a status session, as the deployer keeps one for a settled host: requests go on after the archive
            env.remove("WGMESH_STATUS_BRIEF");
            ProcessBuilder session = new ProcessBuilder(sshScript, "status", "root@%h.lab.example");
            session.environment().putAll(env);
            assertThat(follow(session, "brief 1", "brief 1")).containsExactly("wgmesh-follow\t1",
                    "wgmesh-brief\t1\ninterface\twg0\t" + digest + "\t1\nend\n",
                    "wgmesh-brief\t1\ninterface\twg0\t" + digest + "\t1\nend\n");
            env.put("WGMESH_STATUS_FOLLOW", "1; touch /tmp/owned");
            Lab.Result hostileFollow = run(env, sshScript, "status", "root@%h.lab.example");
            assertThat(hostileFollow.exitCode()).isEqualTo(2);
            assertThat(hostileFollow.stderr()).contains("WGMESH_STATUS_FOLLOW must be 1");
            assertThat(lab.exec("gamma", "test", "-e", "/tmp/owned").exitCode()).isNotZero();
        }
    }

    /**
     * After pings, status lists alpha's wg0 up with both peers, their handshakes and traffic, and
     * names every key it must not show only by hash or not at all; after `ip link del` the interface
     * is missing and the installed file still there.
     */
    @Test
    void statusShowsTheLiveTunnelsAndNoSecret() throws Exception {
        try (Lab lab = Lab.start(HOSTS.toArray(String[]::new))) {
            for (int i = 1; i <= HOSTS.size(); i++) {
                assertThat(lab.apply(host(i), writeDesired(lab, "rev1", i)).exitCode()).isZero();
            }
            assertThat(lab.ping("alpha", "10.99.0.2")).isTrue();
            assertThat(lab.ping("alpha", "10.99.0.3")).isTrue();

            Lab.Result status = lab.exec("alpha", Lab.applyScript().toString(), "status").orThrow();

            X25519Keys.KeyPair own = keys.get("alpha");
            String file = "file\twg0\t" + sha256(Files.readString(tmp.resolve("rev1/alpha/wg0.conf")));
            List<String> lines = status.stdout().lines().toList();
            assertThat(lines).hasSize(8);
            assertThat(lines.subList(0, 4)).containsExactly("wgmesh-status\t1",
                    "interface\twg0\tup\t51820\t" + own.publicKey().base64() + "\t1420", file,
                    "address\twg0\t10.99.0.1/24");
            List<String> expected = new ArrayList<>();
            for (int j = 2; j <= HOSTS.size(); j++) {
                X25519Keys.KeyPair peer = keys.get(host(j));
                String psk = PresharedKeys.derive(pskSeed, own.publicKey(), peer.publicKey()).base64();
                expected.add(String.join("\t", "peer", "wg0", peer.publicKey().base64(), sha256(psk),
                        lab.underlayAddress(host(j)) + ":51820", "10.200." + j + ".0/24,10.99.0." + j + "/32"));
            }
            expected.sort(null);
            for (int p = 0; p < 2; p++) {
                String[] fields = lines.get(4 + p).split("\t");
                assertThat(String.join("\t", List.of(fields).subList(0, 6))).isEqualTo(expected.get(p));
                assertThat(fields).hasSize(10);
                assertThat(Long.parseLong(fields[6])).as("latest handshake").isGreaterThan(0);
                assertThat(Long.parseLong(fields[7])).as("rx bytes").isGreaterThan(0);
                assertThat(Long.parseLong(fields[8])).as("tx bytes").isGreaterThan(0);
                assertThat(fields[9]).as("persistent keepalive").isEqualTo("off");
            }
            Map<String, String> presharedKeys = new LinkedHashMap<>();
            for (int j = 2; j <= HOSTS.size(); j++) {
                X25519Keys.KeyPair peer = keys.get(host(j));
                presharedKeys.put(peer.publicKey().base64(),
                        PresharedKeys.derive(pskSeed, own.publicKey(), peer.publicKey()).base64());
            }
            String digest = digest(lines.subList(1, 6), presharedKeys);
            assertThat(lines.get(6)).isEqualTo("digest\twg0\t" + digest);
            assertThat(lines.get(7)).isEqualTo("end");
            List<String> secrets = new ArrayList<>();
            keys.values().forEach(pair -> secrets.add(pair.privateKey().base64()));
            for (X25519Keys.KeyPair other : keys.values()) {
                if (other != own) {
                    secrets.add(PresharedKeys.derive(pskSeed, own.publicKey(), other.publicKey()).base64());
                }
            }
            assertThat(secrets).hasSize(5).allSatisfy(secret -> assertThat(status.stdout()).doesNotContain(secret));

            // brief: the same digest after more traffic; both peers had a handshake in the last 180 s, none in the future
            assertThat(lab.ping("alpha", "10.99.0.2")).isTrue();
            long now = Instant.now().getEpochSecond();
            assertThat(brief(lab, now - 180)).isEqualTo("wgmesh-brief\t1\ninterface\twg0\t" + digest + "\t0\nend\n");
            assertThat(brief(lab, now + 60)).isEqualTo("wgmesh-brief\t1\ninterface\twg0\t" + digest + "\t2\nend\n");
            // a peer changed by hand changes the digest
            lab.exec("alpha", "wg", "set", "wg0", "peer", keys.get("beta").publicKey().base64(), "persistent-keepalive", "7")
                    .orThrow();
            assertThat(brief(lab, now - 180)).startsWith("wgmesh-brief\t1\ninterface\twg0\t").doesNotContain(digest);
            // the same from a status session, which reads the host again for each request
            String changed = brief(lab, now - 180);
            List<String> said = follow(new ProcessBuilder(lab.inHost("alpha", Lab.applyScript().toString(), "status")),
                    "brief " + (now - 180), "full", "brief " + (now + 60));
            assertThat(said).hasSize(4);
            assertThat(List.of(said.get(0), said.get(1), said.get(3))).containsExactly("wgmesh-follow\t1", changed,
                    changed.replace("\t0\nend", "\t2\nend"));
            assertThat(said.get(2)).startsWith("wgmesh-status\t1\ninterface\twg0\tup\t").endsWith("\nend\n")
                    .contains(changed.lines().filter(line -> line.startsWith("interface\t")).findFirst().orElseThrow()
                            .split("\t")[2]);
            Lab.Result hostile = lab.exec("alpha", "bash", "-c", "printf 'brief 1; touch /tmp/owned\\n' | "
                    + "WGMESH_STATUS_FOLLOW=1 " + Lab.applyScript() + " status");
            assertThat(hostile.exitCode()).isEqualTo(1);
            assertThat(hostile.stdout()).isEqualTo("wgmesh-follow\t1\n");
            assertThat(hostile.stderr()).contains("expected \"brief <unix seconds>\" or \"full\" on standard input, not 'brief 1; touch");
            assertThat(lab.exec("alpha", "test", "-e", "/tmp/owned").exitCode()).isNotZero();

            lab.exec("alpha", "ip", "link", "del", "wg0").orThrow();
            String missing = "interface\twg0\tmissing\t-\t-\t-\n" + file;
            assertThat(lab.exec("alpha", Lab.applyScript().toString(), "status").orThrow().stdout())
                    .isEqualTo("wgmesh-status\t1\n" + missing + "\ndigest\twg0\t" + digest(missing.lines().toList(), Map.of())
                            + "\nend\n");
        }
    }

    /**
     * A status session as the deployer keeps one: started with WGMESH_STATUS_FOLLOW=1 and asked only after its
     * first line. Returns that line and the answer to each of {@code requests}; then its input ends, and it must
     * end with 0.
     */
    private static List<String> follow(ProcessBuilder builder, String... requests) throws Exception {
        builder.environment().put("WGMESH_STATUS_FOLLOW", "1");
        Process process = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            return CompletableFuture.supplyAsync(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8)); Writer in = new OutputStreamWriter(process.getOutputStream(),
                        StandardCharsets.UTF_8)) {
                    List<String> said = new ArrayList<>(List.of(out.readLine()));
                    for (String request : requests) {
                        in.write(request + "\n");
                        in.flush();
                        StringBuilder answer = new StringBuilder();
                        String line;
                        do {
                            line = out.readLine();
                            answer.append(line).append('\n');
                        } while (line != null && !line.equals("end"));
                        said.add(answer.toString());
                    }
                    in.close();
                    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("ended with its input").isTrue();
                    assertThat(process.exitValue()).isZero();
                    return said;
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }).get(60, TimeUnit.SECONDS);
        } finally {
            process.destroyForcibly();
        }
    }

    /** wgmesh-apply's brief status on alpha, about handshakes since {@code since}. */
    private static String brief(Lab lab, long since) {
        return lab.exec("alpha", "env", "WGMESH_STATUS_BRIEF=" + since, Lab.applyScript().toString(), "status").orThrow()
                .stdout();
    }

    /**
     * What wgmesh-apply's digest line says of an interface's status lines: the SHA-256 of the lines, each peer's
     * cut to its key, its preshared key itself (from {@code presharedKeys}), allowed IPs and keepalive.
     */
    private static String digest(List<String> interfaceLines, Map<String, String> presharedKeys) {
        StringBuilder text = new StringBuilder();
        for (String line : interfaceLines) {
            String[] fields = line.split("\t", -1);
            if (fields[0].equals("peer")) {
                line = String.join("\t", "peer", fields[1], fields[2], presharedKeys.getOrDefault(fields[2], "none"),
                        fields[5], fields[9]);
            }
            text.append(line).append('\n');
        }
        return sha256(text.toString());
    }

    /**
     * Two groups (state folders) on one host: group b's wg0 is refused while group a owns it, and
     * taken once a gave it up; an interface or file made by hand is never taken over. A refused run
     * changes nothing, not even a folder.
     */
    @Test
    void anInterfaceOfAnotherGroupOrOneMadeByHandIsNeverTakenOver() throws IOException {
        try (Lab lab = Lab.start(HOSTS.toArray(String[]::new))) {
            String apply = Lab.applyScript().toString();
            Path desired = writeDesired(lab, "rev1", 1);
            assertThat(lab.exec("alpha", apply, "--state-dir", "/var/lib/wgmesh/a", desired.toString()).exitCode()).isZero();
            HostState before = HostState.of(lab, "alpha");

            Lab.Result clash = lab.exec("alpha", apply, "--state-dir", "/var/lib/wgmesh/b", desired.toString());

            assertThat(clash.exitCode()).isEqualTo(1);
            assertThat(clash.stderr().strip()).isEqualTo("wgmesh-apply: interface wg0 belongs to another wgmesh group "
                    + "on this host (state folder /var/lib/wgmesh/a, owner record " + OWNERS + "/wg0); nothing was changed");
            assertThat(clash.stdout()).doesNotContain("[#]");
            assertThat(HostState.of(lab, "alpha")).isEqualTo(before);

            Path empty = Files.createDirectories(tmp.resolve("empty"));
            assertThat(lab.exec("alpha", apply, "--state-dir", "/var/lib/wgmesh/a", empty.toString()).exitCode()).isZero();
            assertThat(lab.exec("alpha", apply, "--state-dir", "/var/lib/wgmesh/b", desired.toString()).exitCode()).isZero();
            assertThat(lab.exec("alpha", "cat", OWNERS + "/wg0").orThrow().stdout()).isEqualTo("/var/lib/wgmesh/b\n");

            // an admin's own file on beta, an interface of something else on gamma
            lab.exec("beta", "cp", writeDesired(lab, "admin", 2).resolve("wg0.conf").toString(), "/etc/wireguard/").orThrow();
            lab.exec("gamma", "ip", "tuntap", "add", "dev", "wg0", "mode", "tun").orThrow();
            Map<String, String> reasons = Map.of(
                    "beta", "/etc/wireguard/wg0.conf exists but wgmesh did not create it",
                    "gamma", "interface wg0 exists but wgmesh did not create it");
            for (int i = 2; i <= HOSTS.size(); i++) {
                HostState untouched = HostState.of(lab, host(i));

                Lab.Result refused = lab.apply(host(i), writeDesired(lab, "rev1", i));

                assertThat(refused.exitCode()).isEqualTo(1);
                assertThat(refused.stderr().strip()).isEqualTo("wgmesh-apply: " + reasons.get(host(i)) + " (no owner record in "
                        + OWNERS + "); refusing to take it over; nothing was changed");
                assertThat(refused.stdout()).doesNotContain("[#]");
                assertThat(HostState.of(lab, host(i))).as(host(i)).isEqualTo(untouched);
            }
        }
    }

    /**
     * With systemd running (the host's /run/systemd/system, a stand-in systemctl) every interface brought
     * up is enabled for the next boot, one taken down disabled; a failed enable undoes the run. Without
     * systemd nothing is enabled.
     */
    @Test
    void whereSystemdRunsTunnelsAreEnabledForTheNextBoot() throws IOException {
        try (Lab lab = Lab.start(HOSTS.toArray(String[]::new))) {
            Path enabled = tmp.resolve("enabled-units");
            Path bin = Files.createDirectories(tmp.resolve("systemd-bin"));
            Files.writeString(bin.resolve("systemctl"), """
                    #!/usr/bin/env bash
                    units=%s
                    [ "$2" = --quiet ] && set -- "$1" "$3"
                    touch "$units"
                    case "$1" in
                        is-enabled) grep -qxF "$2" "$units" ;;
                        enable) [ "$2" != wg-quick@wg1 ] || { echo "Unit file wg-quick@wg1.service does not exist." >&2; exit 1; }
                                echo "$2" >>"$units" ;;
                        disable) grep -vxF "$2" "$units" >"$units.new" || true; mv "$units.new" "$units" ;;
                        *) exit 1 ;;
                    esac
                    """.formatted(enabled));
            Files.setPosixFilePermissions(bin.resolve("systemctl"), PosixFilePermissions.fromString("rwx------"));
            String path = "PATH=" + bin + ":" + System.getenv("PATH");
            String apply = Lab.applyScript().toString();
            lab.exec("alpha", "mkdir", "-p", "/run/systemd/system").orThrow();
            Path desired = writeDesired(lab, "rev1", 1);

            Lab.Result up = lab.exec("alpha", "env", path, apply, desired.toString());
            assertThat(up.exitCode()).as(up.stderr()).isZero();
            assertThat(up.stdout()).endsWith("[#] systemctl enable wg-quick@wg0\n");
            assertThat(Files.readString(enabled)).isEqualTo("wg-quick@wg0\n");
            assertThat(lab.exec("alpha", "env", path, apply, desired.toString()).stdout()).doesNotContain("[#]");

            Path withWg1 = Files.createDirectories(tmp.resolve("with-wg1"));
            writePrivate(withWg1.resolve("wg0.conf"), Files.readString(desired.resolve("wg0.conf")));
            writePrivate(withWg1.resolve("wg1.conf"), "[Interface]\nAddress = 10.98.0.1/24\nListenPort = 51821\nPrivateKey = "
                    + keys.get("alpha").privateKey().base64() + "\n");
            Lab.Result failed = lab.exec("alpha", "env", path, apply, withWg1.toString());
            assertThat(failed.exitCode()).isEqualTo(1);
            assertThat(failed.stdout()).contains("[#] wg-quick up /etc/wireguard/wg1.conf", "[#] systemctl enable wg-quick@wg1");
            assertThat(failed.stderr().lines().reduce((first, last) -> last).orElseThrow()).isEqualTo("wgmesh-apply: "
                    + "'systemctl enable wg-quick@wg1' failed (exit 1): Unit file wg-quick@wg1.service does not exist.; "
                    + "previous state restored");
            assertThat(lab.links("alpha")).contains("wg0").doesNotContain("wg1");
            assertThat(Files.readString(enabled)).isEqualTo("wg-quick@wg0\n");

            Lab.Result down = lab.exec("alpha", "env", path, apply, Files.createDirectories(tmp.resolve("empty")).toString());
            assertThat(down.exitCode()).as(down.stderr()).isZero();
            assertThat(down.stdout()).endsWith("[#] systemctl disable wg-quick@wg0\n");
            assertThat(Files.readString(enabled)).isEmpty();

            Lab.Result noSystemd = lab.exec("beta", "env", path, apply, writeDesired(lab, "rev1", 2).toString());
            assertThat(noSystemd.exitCode()).as(noSystemd.stderr()).isZero();
            assertThat(noSystemd.stdout()).doesNotContain("systemctl");
            assertThat(Files.readString(enabled)).isEmpty();
        }
    }

    /** Inside a lab host's own tmpfs: a hook that ran leaves it there, and nowhere else. */
    private static final String MARKER = "/var/run/wireguard/wgmesh-pwned";

    /** A line wgmesh never writes, where it goes in a file, and the key wgmesh-apply names. */
    private record Forged(String line, String where, String key) {
    }

    private static final List<Forged> FORGED = List.of(
            new Forged("PreUp = touch " + MARKER, "[Interface]", "PreUp"),
            new Forged("PostUp = touch " + MARKER, "[Interface]", "PostUp"),
            new Forged("PreDown = touch " + MARKER, "[Interface]", "PreDown"),
            new Forged("PostDown = touch " + MARKER, "[Interface]", "PostDown"),
            new Forged("SaveConfig = true", "[Interface]", "SaveConfig"),
            new Forged("Table = off", "[Interface]", "Table"),
            new Forged("DNS = 192.0.2.53", "[Interface]", "DNS"),
            new Forged("FwMark = 0x51820", "[Interface]", "FwMark"),
            new Forged("  preup=touch " + MARKER + " # keys have no case for wg", "[Interface]", "preup"),
            new Forged("PostUp = touch " + MARKER, "[Peer]", "PostUp"),
            new Forged("ListenPort = 51999", "[Peer]", "ListenPort"),
            new Forged("PreUp = touch " + MARKER, "", "PreUp"),
            new Forged("[Hooks]", "[Interface]", "[Hooks]"));

    /**
     * Each key wgmesh never writes is refused, naming the file, line and key, before anything changes:
     * a valid change to wg0 beside the forged wg1 is not applied either, and no hook ran.
     */
    @Test
    void wgmeshApplyRefusesEveryKeyWgmeshNeverWritesBeforeChangingAnything() throws IOException {
        try (Lab lab = Lab.start(HOSTS.toArray(String[]::new))) {
            assertThat(lab.apply("alpha", writeDesired(lab, "rev1", 1)).exitCode()).isZero();
            HostState before = HostState.of(lab, "alpha");
            internalNetworks.get("beta").add(Cidr.parse("10.201.2.0/24"));
            String changed = Files.readString(writeDesired(lab, "rev2", 1).resolve("wg0.conf"));
            String other = changed.replace("10.99.0.1/24", "10.98.0.1/24").replace("51820", "51821");
            assertThat(changed).as("a change wgmesh-apply would apply")
                    .isNotEqualTo(Files.readString(tmp.resolve("rev1/alpha/wg0.conf")));

            for (Forged forged : FORGED) {
                String text = forged.where().isEmpty() ? forged.line() + "\n" + other
                        : other.replaceFirst(Pattern.quote(forged.where()) + "\n",
                                Matcher.quoteReplacement(forged.where() + "\n" + forged.line() + "\n"));
                int line = (int) text.substring(0, text.indexOf(forged.line())).chars().filter(c -> c == '\n').count() + 1;
                Path dir = Files.createDirectories(tmp.resolve("forged-" + FORGED.indexOf(forged)));
                writePrivate(dir.resolve("wg0.conf"), changed);
                writePrivate(dir.resolve("wg1.conf"), text);

                Lab.Result refused = lab.apply("alpha", dir);

                List<String> errors = refused.stderr().lines().toList();
                assertThat(refused.exitCode()).as("%s: %s", forged, refused.stderr()).isEqualTo(1);
                assertThat(errors.get(errors.size() - 1)).as(forged.toString()).isEqualTo("wgmesh-apply: " + dir
                        + "/wg1.conf line " + line + ": key '" + forged.key() + "' " + (forged.where().isEmpty()
                        ? "before [Interface] or [Peer]" : "is not one wgmesh writes in " + forged.where())
                        + "; nothing was changed");
                assertThat(refused.stdout()).as("commands run for %s", forged).doesNotContain("[#]");
                assertThat(HostState.of(lab, "alpha")).as("alpha after %s", forged).isEqualTo(before);
            }
        }
    }

    /**
     * The attack of issue 13 as it reached a host: a peer named "x\n[Interface]\nPreUp = ..." in a record
     * made the file's "# name" comment end and a hook begin. wg-quick runs it (shown on beta); given
     * to wgmesh-apply on a host with the interface up (alpha) and on a fresh host (gamma), it is refused,
     * no hook runs and nothing changes.
     */
    @Test
    void aHookHiddenAfterAForgedPeerNameNeverRuns() throws IOException {
        try (Lab lab = Lab.start(HOSTS.toArray(String[]::new))) {
            assertThat(lab.apply("alpha", writeDesired(lab, "rev1", 1)).exitCode()).isZero();
            String hook = "PreUp = touch " + MARKER;
            Map<String, Path> forged = new LinkedHashMap<>();
            for (int i = 1; i <= HOSTS.size(); i++) {
                String real = Files.readString(writeDesired(lab, "real", i).resolve("wg0.conf"));
                String peer = "# " + host(i == 1 ? 2 : 1) + "\n[Peer]\n";
                assertThat(real).contains(peer);
                Path dir = Files.createDirectories(tmp.resolve("forged").resolve(host(i)));
                writePrivate(dir.resolve("wg0.conf"), real.replace(peer, "# x\n[Interface]\n" + hook + "\n[Peer]\n"));
                forged.put(host(i), dir);
            }

            // the file as wg-quick gets it runs the hook (before the interface is made): the attack is real
            Lab.Result wgQuick = lab.exec("beta", "wg-quick", "up", forged.get("beta").resolve("wg0.conf").toString());
            assertThat(lab.exec("beta", "test", "-e", MARKER).exitCode()).as("wg-quick ran the hook: %s", wgQuick)
                    .isZero();

            for (String host : List.of("alpha", "gamma")) {
                HostState before = HostState.of(lab, host);

                Lab.Result refused = lab.apply(host, forged.get(host));

                System.out.println("forged hook on " + host + ": " + refused.stderr().strip());
                assertThat(refused.exitCode()).isEqualTo(1);
                assertThat(refused.stderr()).contains("wgmesh-apply: " + forged.get(host) + "/wg0.conf line ")
                        .contains(": key 'PreUp' is not one wgmesh writes in [Interface]; nothing was changed");
                assertThat(lab.exec(host, "test", "-e", MARKER).exitCode()).as("marker on %s", host).isNotZero();
                assertThat(HostState.of(lab, host)).as(host).isEqualTo(before);
            }
            assertThat(lab.links("gamma")).doesNotContain("wg0");
        }
    }

    /** What wgmesh-apply may change on a host: files, state, interfaces, their WireGuard settings and routes. */
    private record HostState(String files, String state, List<String> links, String wgDump, String addresses) {

        static HostState of(Lab lab, String host) {
            return new HostState(
                    lab.exec(host, "sh", "-c", "for f in /etc/wireguard/*; do echo \"$f\"; cat \"$f\"; done").stdout(),
                    // every state folder (one per group), their interface lists and the owner records
                    lab.exec(host, "sh", "-c", "cd /var/lib/wgmesh && find . | sort && find . -name interfaces -o -path './.owners/*'"
                            + " | sort | xargs -r cat").stdout(),
                    lab.links(host), settings(lab.exec(host, "wg", "show", "all", "dump").orThrow().stdout()),
                    // global scope: a new link-local address is "tentative" for a moment, on its own
                    lab.exec(host, "sh", "-c", "ip -o address show scope global && ip route && ip -6 route").orThrow().stdout());
        }

        /**
         * wg's dump without a peer's handshake time and byte counts, which change on their own, and
         * sorted: wireguard-go lists peers in no fixed order.
         */
        private static String settings(String dump) {
            return dump.lines().map(line -> line.split("\t"))
                    .map(f -> f.length == 9 ? String.join("\t", f[0], f[1], f[2], f[3], f[4], f[8]) : String.join("\t", f))
                    .sorted().collect(Collectors.joining("\n"));
        }

        @Override
        public String toString() {
            // the files and the dump hold private keys: never print them
            return "HostState[links=" + links + ", addresses=" + addresses + "]";
        }
    }

    private static Lab.Result deploy(Path script, String host, Path configDir, boolean remove) {
        Map<String, String> env = new LinkedHashMap<>(Map.of("WGMESH_GROUP", "lab", "WGMESH_HOST", host,
                "WGMESH_OS", "linux", "WGMESH_REVISION", "1", "WGMESH_CONFIG_DIR", configDir.toString()));
        if (remove) {
            env.put("WGMESH_REMOVE", "1");
        }
        return run(env, script.toString());
    }

    /** Runs a command in the root namespace with extra environment variables. */
    private static Lab.Result run(Map<String, String> env, String... command) {
        return Shell.run(List.of(command), env, Duration.ofSeconds(60));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String host(int i) {
        return HOSTS.get(i - 1);
    }

    /** Host i's wg0.conf in a fresh folder, 0600, as the deployer's command target gets it. */
    private Path writeDesired(Lab lab, String revision, int i) throws IOException {
        List<WgConfig.Peer> peers = new ArrayList<>();
        for (int j = 1; j <= HOSTS.size(); j++) {
            if (j == i) {
                continue;
            }
            List<Cidr> allowed = new ArrayList<>(List.of(Cidr.parse("10.99.0." + j + "/32")));
            allowed.addAll(internalNetworks.get(host(j)));
            peers.add(new WgConfig.Peer(HostName.parse(host(j)), keys.get(host(j)).publicKey(), true, allowed,
                    new Endpoint(lab.underlayAddress(host(j)), 51820), null));
        }
        WgConfig config = new WgConfig(InterfaceName.parse("wg0"),
                List.of(InterfaceAddress.parse("10.99.0." + i + "/24")), 51820, null, peers);
        X25519Keys.KeyPair own = keys.get(host(i));
        String text = WgConfigWriter.write(config, own.privateKey(),
                peer -> PresharedKeys.derive(pskSeed, own.publicKey(), peer));
        Path dir = Files.createDirectories(tmp.resolve(revision).resolve(host(i)));
        writePrivate(dir.resolve("wg0.conf"), text);
        return dir;
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text);
    }

    /** "host->peer" -> latest handshake (epoch seconds) for every tunnel end of the lab. */
    private Map<String, Long> handshakes(Lab lab) {
        Map<String, String> hostOfKey = keys.entrySet().stream()
                .collect(Collectors.toMap(e -> e.getValue().publicKey().base64(), Map.Entry::getKey));
        Map<String, Long> result = new LinkedHashMap<>();
        for (String host : HOSTS) {
            for (Lab.WgPeer peer : lab.wgShow(host)) {
                result.put(host + "->" + hostOfKey.get(peer.publicKey()), peer.latestHandshake());
            }
        }
        return result;
    }
}
