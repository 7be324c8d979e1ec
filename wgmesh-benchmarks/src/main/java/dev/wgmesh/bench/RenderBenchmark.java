package dev.wgmesh.bench;

import dev.wgmesh.common.crypto.PresharedKeys;
import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.render.HostFiles;
import dev.wgmesh.common.testing.TestGroups;
import dev.wgmesh.common.wireguard.SecretKey;
import dev.wgmesh.common.wireguard.WgConfig;
import dev.wgmesh.common.wireguard.WgConfigWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One host's files of a mesh group of 10, 100 or 1,000 hosts: rendering them from the keyed group and
 * writing the wg-quick text with its secrets. The baseline is the bare cost of writing the same bytes to
 * disk (write and fsync), what any tool pays at the least.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RenderBenchmark {

    @Param({"10", "100", "1000"})
    public int hosts;

    private HostGroupKeysGenerated keyed;
    private HostName host;
    private SecretKey privateKey;
    private SecretKey seed;
    private byte[] fileBytes;
    private Path dir;

    @Setup(Level.Trial)
    public void group() throws IOException {
        TestGroups.Keyed group = TestGroups.keyed("bench", 1, TestGroups.spec(TestGroups.meshJson(hosts)));
        keyed = group.event();
        host = HostName.parse("node-" + (hosts / 2));
        privateKey = group.keys().get(host).privateKey();
        seed = group.seed();
        fileBytes = text(render()).getBytes(StandardCharsets.UTF_8);
        dir = Files.createTempDirectory("wgmesh-bench");
    }

    @TearDown(Level.Trial)
    public void removeFiles() throws IOException {
        Files.deleteIfExists(dir.resolve("wg0.conf"));
        Files.deleteIfExists(dir);
    }

    /** The renderer's part: the host's interfaces from the keyed group. */
    @Benchmark
    public HostFiles render() {
        return GroupRenderer.renderHost(keyed, host).orElseThrow();
    }

    /** The deployer's part: the wg-quick text with the private key and every pair's derived preshared key. */
    @Benchmark
    public String renderAndWriteText() {
        return text(render());
    }

    /** Baseline: writing the same bytes to disk, durably. */
    @Benchmark
    public long writeSameBytes() throws IOException {
        try (FileChannel channel = FileChannel.open(dir.resolve("wg0.conf"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long written = channel.write(java.nio.ByteBuffer.wrap(fileBytes));
            channel.force(true);
            return written;
        }
    }

    private String text(HostFiles files) {
        WgConfig config = files.interfaces().get(0);
        var own = X25519Keys.publicKeyOf(privateKey);
        return WgConfigWriter.write(config, privateKey, peer -> PresharedKeys.derive(seed, own, peer));
    }
}
