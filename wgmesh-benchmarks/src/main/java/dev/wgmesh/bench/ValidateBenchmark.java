package dev.wgmesh.bench;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.group.GroupValidator;
import dev.wgmesh.common.group.HostGroupParser;
import dev.wgmesh.common.group.Problem;
import dev.wgmesh.common.testing.TestGroups;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** What config-service does with a PUT body before it publishes: parse and validate the group. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ValidateBenchmark {

    @Param({"10", "100", "1000"})
    public int hosts;

    private byte[] body;

    @Setup
    public void body() {
        body = TestGroups.meshJson(hosts).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Benchmark
    public List<Problem> parseAndValidate() {
        HostGroupParser.Result result = HostGroupParser.parse(EventJson.tree(body), Set.of());
        return GroupValidator.validate(result.spec(), result.paths());
    }
}
