package dev.wgmesh.bench;

import dev.wgmesh.common.crypto.SealedSecret;
import dev.wgmesh.common.crypto.SecretSealer;
import dev.wgmesh.common.crypto.X25519Keys;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Key pairs and sealing, one thread. The baseline is what hand-written scripts do for every host:
 * {@code wg genkey | wg pubkey}, two processes a key.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class KeyBenchmark {

    private final SecureRandom random = new SecureRandom();
    private final SecretSealer sealer = new SecretSealer(random);
    private X25519Keys.KeyPair deployer;
    private X25519Keys.KeyPair host;
    private SealedSecret sealed;

    @Setup
    public void keys() {
        deployer = X25519Keys.generate(random);
        host = X25519Keys.generate(random);
        sealed = sealer.seal(host.privateKey(), deployer.publicKey(), "bench/host/private-key", 1);
    }

    @Benchmark
    public X25519Keys.KeyPair keyPair() {
        return X25519Keys.generate(random);
    }

    /** Baseline: a key pair the way shell scripts make one. */
    @Benchmark
    public int keyPairWithWgTools() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("sh", "-c", "wg genkey | wg pubkey")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.waitFor();
    }

    @Benchmark
    public SealedSecret seal() {
        return sealer.seal(host.privateKey(), deployer.publicKey(), "bench/host/private-key", 1);
    }

    @Benchmark
    public Object open() {
        return SecretSealer.open(sealed, deployer.privateKey(), "bench/host/private-key");
    }
}
